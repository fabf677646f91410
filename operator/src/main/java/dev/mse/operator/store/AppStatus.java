package dev.mse.operator.store;

import java.util.Locale;
import java.util.Optional;

/** Where an app is: {@code spawning → initializing → running}, ending {@code on_error|stopped}. */
public enum AppStatus {
  SPAWNING,
  INITIALIZING,
  RUNNING,
  ON_ERROR,
  STOPPED;

  /** The lowercase name stored in the database and used in the API, as in MSE. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True while the app holds a quota place, its domain and a node. */
  public boolean isLive() {
    return this == SPAWNING || this == INITIALIZING || this == RUNNING;
  }

  public static Optional<AppStatus> fromWireName(String name) {
    for (AppStatus s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
