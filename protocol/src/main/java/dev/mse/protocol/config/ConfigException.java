package dev.mse.protocol.config;

/**
 * An {@code mse.toml} that cannot be used: not TOML, an unknown key, a value of the wrong type or
 * out of range. Checked, because a configuration file is user input and the CLI must turn every
 * such problem into one clear line rather than a stack trace.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
