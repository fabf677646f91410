package dev.mse.cli;

import java.nio.file.Path;

/**
 * Where mse keeps its state: {@code $MSE_CONF_PATH}, else {@code ~/.config/mse}. The system
 * property {@code mse.conf.path} takes precedence, for programs that embed the CLI (and its tests).
 */
public final class ConfigDirectory {
  /** The system property that overrides {@code MSE_CONF_PATH}. */
  public static final String PROPERTY = "mse.conf.path";

  private ConfigDirectory() {}

  public static Path path() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String configured = System.getenv("MSE_CONF_PATH");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".config", "mse");
  }
}
