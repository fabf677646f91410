package dev.mse.attestation.verify;

/** The verifier's decision. */
public enum Verdict {
  ACCEPTED,
  REJECTED
}
