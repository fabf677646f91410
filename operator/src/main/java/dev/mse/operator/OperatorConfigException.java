package dev.mse.operator;

/** {@code operator.toml} is unreadable or wrong; the message names the key. */
public final class OperatorConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public OperatorConfigException(String message) {
    super(message);
  }

  public OperatorConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
