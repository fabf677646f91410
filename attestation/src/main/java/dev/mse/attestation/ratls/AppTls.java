package dev.mse.attestation.ratls;

import java.util.Locale;
import java.util.Optional;

/**
 * Who terminates the app's TLS inside the TEE ({@code tls} in {@code mse.toml} and in the
 * deployment config).
 */
public enum AppTls {
  /** The app serves TLS itself with the key the runtime hands it (the default). */
  APP,
  /**
   * The runtime terminates TLS and forwards plain HTTP to the app on loopback: only where loopback
   * stays inside the TEE (confidential VMs, simulation), never under SGX.
   */
  RUNTIME;

  /** The lowercase name used in {@code mse.toml} and the deployment config. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AppTls> fromWireName(String name) {
    for (AppTls tls : values()) {
      if (tls.wireName().equals(name)) {
        return Optional.of(tls);
      }
    }
    return Optional.empty();
  }
}
