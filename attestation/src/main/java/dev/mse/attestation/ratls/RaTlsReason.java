package dev.mse.attestation.ratls;

/** Why an RA-TLS certificate was rejected: which check, and a sentence a person understands. */
public record RaTlsReason(RaTlsCheck check, String message) {
  @Override
  public String toString() {
    return message;
  }
}
