package dev.mse.cli;

/**
 * A failure the user can act on (a missing file, bad input). The CLI prints its message as one line
 * and exits 1, without a stack trace.
 */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
