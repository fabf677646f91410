package dev.mse.attestation.verify;

/** Why the verifier rejected: which check, and a sentence a person understands. */
public record Reason(Check check, String message) {
  @Override
  public String toString() {
    return message;
  }
}
