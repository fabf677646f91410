package dev.mse.attestation.policy;

/** A policy file that cannot be used: bad TOML, an unknown key, a value of the wrong kind. */
public final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
