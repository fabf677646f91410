package dev.mse.attestation.ratls;

/**
 * A certificate that is not a readable mse RA-TLS certificate: the DER does not parse, an extension
 * is missing, or an extension's value is malformed. {@link #problem()} tells which.
 */
public final class RaTlsFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What is wrong. */
  public enum Problem {
    MALFORMED_CERTIFICATE,
    MISSING_EXTENSION,
    MALFORMED_EXTENSION
  }

  private final Problem problem;

  public RaTlsFormatException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
