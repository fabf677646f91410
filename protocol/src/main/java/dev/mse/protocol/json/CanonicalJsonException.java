package dev.mse.protocol.json;

/** JSON that is not valid, not canonical, or lacks or mistypes a field. */
public final class CanonicalJsonException extends Exception {
  private static final long serialVersionUID = 1L;

  public CanonicalJsonException(String message) {
    super(message);
  }

  public CanonicalJsonException(String message, Throwable cause) {
    super(message, cause);
  }
}
