package dev.mse.attestation.collateral;

/** Collateral that cannot be read: bad JSON, a missing field, a malformed certificate or CRL. */
public final class CollateralFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public CollateralFormatException(String message) {
    super(message);
  }

  public CollateralFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
