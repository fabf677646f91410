package dev.mse.attestation.ratls;

import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.collateral.CollateralValidity;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.verify.EvidenceFormat;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Which collateral a verifier appraises fresh evidence with, by the evidence's kind, as every
 * verifier of fresh evidence (the CLI's, the proxy's upstream trust) must choose it: an SEV-SNP
 * report needs none (its VCEK comes from the KDS while it is verified); a DCAP quote gets what the
 * enclave sent when that is valid at the time, else what {@code source} (a PCCS or Intel PCS,
 * through the shared cache) gives, else what was sent even out of date, so that the verifier says
 * which of its dates failed.
 */
public final class FreshCollateral {
  private FreshCollateral() {}

  /**
   * @param quote the fresh quote or report
   * @param sent the collateral the enclave sent (in its evidence or its certificate), if any
   * @param source where to fetch when nothing valid was sent, if anywhere
   * @return empty for an SEV-SNP report, or when there is nothing to send and nowhere to fetch
   * @throws IOException when the fetch failed and nothing was sent
   * @throws QuoteFormatException when the quote cannot be read to say which collateral it needs
   */
  public static Optional<Collateral> choose(
      byte[] quote, Optional<Collateral> sent, Optional<CollateralSource> source, Instant at)
      throws IOException, QuoteFormatException, CollateralFormatException {
    if (isSnpReport(quote)) {
      return Optional.empty();
    }
    if (sent.isPresent() && CollateralValidity.validAt(sent.get(), at)) {
      return sent;
    }
    if (source.isEmpty()) {
      return sent;
    }
    try {
      return Optional.of(source.get().fetch(QuoteParser.parse(quote)));
    } catch (IOException e) {
      if (sent.isPresent()) {
        return sent;
      }
      throw e;
    }
  }

  /** An SEV-SNP report (from configfs-tsm in an SNP guest) rather than a DCAP quote. */
  public static boolean isSnpReport(byte[] evidence) {
    return EvidenceFormat.detect(evidence).equals(Optional.of(EvidenceFormat.SNP_REPORT));
  }
}
