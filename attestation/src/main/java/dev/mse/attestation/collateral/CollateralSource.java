package dev.mse.attestation.collateral;

import dev.mse.attestation.quote.Quote;
import java.io.IOException;

/**
 * Where a verifier gets collateral for a quote whose evidence carries none that is valid at the
 * time of verification: Intel PCS or a PCCS through {@link PcsClient#fetchFor} and the on-disk
 * cache.
 */
@FunctionalInterface
public interface CollateralSource {
  /**
   * @throws IOException if it could not be fetched (and none is cached)
   * @throws CollateralFormatException if the quote does not say which collateral it needs
   */
  Collateral fetch(Quote quote) throws IOException, CollateralFormatException;
}
