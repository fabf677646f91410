package dev.mse.attestation.pck;

/** A PCK certificate lacks the SGX extensions or carries malformed ones. */
public final class PckExtensionException extends Exception {
  private static final long serialVersionUID = 1L;

  public PckExtensionException(String message) {
    super(message);
  }

  public PckExtensionException(String message, Throwable cause) {
    super(message, cause);
  }
}
