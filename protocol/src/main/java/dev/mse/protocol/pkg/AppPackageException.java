package dev.mse.protocol.pkg;

/** Bytes that are not a well-formed app package file: the outer tar or the manifest is wrong. */
public final class AppPackageException extends Exception {
  private static final long serialVersionUID = 1L;

  public AppPackageException(String message) {
    super(message);
  }

  public AppPackageException(String message, Throwable cause) {
    super(message, cause);
  }
}
