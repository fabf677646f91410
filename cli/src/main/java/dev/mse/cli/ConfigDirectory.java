package dev.mse.cli;

import java.nio.file.Path;

/** Where mse keeps its state: {@code $MSE_CONF_PATH}, else {@code ~/.config/mse}. */
public final class ConfigDirectory {
  private ConfigDirectory() {}

  public static Path path() {
    String configured = System.getenv("MSE_CONF_PATH");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".config", "mse");
  }
}
