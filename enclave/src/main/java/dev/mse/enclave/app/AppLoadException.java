package dev.mse.enclave.app;

/** The package's code cannot be loaded: no jar, no main class, a malformed jar. */
public final class AppLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  public AppLoadException(String message) {
    super(message);
  }

  public AppLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
