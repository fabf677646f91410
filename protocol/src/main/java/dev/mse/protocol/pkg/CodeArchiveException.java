package dev.mse.protocol.pkg;

/**
 * A code directory that cannot be archived (a symbolic link, a special file) or archive bytes that
 * cannot be trusted (malformed tar, a path escaping the root, a duplicate, a limit exceeded).
 */
public final class CodeArchiveException extends Exception {
  private static final long serialVersionUID = 1L;

  public CodeArchiveException(String message) {
    super(message);
  }

  public CodeArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
