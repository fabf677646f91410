package dev.mse.attestation.ratls;

import dev.mse.attestation.verify.Appraisal;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The result of appraising an RA-TLS certificate.
 *
 * @param quote the quote verifier's appraisal, when the quote and collateral could be read
 * @param claims the certificate's claims, when they could be decoded
 * @param reasons every reason for rejection, the quote's included; empty if and only if accepted
 */
public record RaTlsAppraisal(
    Optional<Appraisal> quote, Optional<AttestationClaims> claims, List<RaTlsReason> reasons) {

  public RaTlsAppraisal {
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty() && (quote.isEmpty() || !quote.get().accepted() || claims.isEmpty())) {
      throw new IllegalArgumentException("an accepted appraisal has accepted evidence and claims");
    }
  }

  public boolean accepted() {
    return reasons.isEmpty();
  }

  public boolean failed(RaTlsCheck check) {
    return reasons.stream().anyMatch(r -> r.check() == check);
  }

  /** The reasons in one line, for exceptions and logs. */
  public String describe() {
    return accepted()
        ? "accepted"
        : reasons.stream().map(RaTlsReason::message).collect(Collectors.joining("; "));
  }
}
