package dev.mse.enclave.tee;

/** The TEE could not give evidence or a key: a missing device, an unexpected answer. */
public final class TeeException extends Exception {
  private static final long serialVersionUID = 1L;

  public TeeException(String message) {
    super(message);
  }

  public TeeException(String message, Throwable cause) {
    super(message, cause);
  }
}
