package dev.mse.attestation.collateral;

import dev.mse.attestation.quote.Quote;
import java.io.IOException;
import java.net.URI;

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

  /**
   * The PCCS (or Intel PCS) at {@code baseUrl}, through {@code cache}: a client per fetch, so the
   * source can be shared by threads and kept for as long as its user lives.
   */
  static CollateralSource pccs(URI baseUrl, CollateralCache cache) {
    return quote -> {
      try (PcsClient client = PcsClient.builder(cache).baseUrl(baseUrl).build()) {
        return client.fetchFor(quote);
      }
    };
  }
}
