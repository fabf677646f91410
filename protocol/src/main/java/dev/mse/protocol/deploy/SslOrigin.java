package dev.mse.protocol.deploy;

import java.util.Locale;
import java.util.Optional;

/**
 * Where the TLS of an app ends (DESIGN §1): in the enclave with its RA-TLS certificate ({@code
 * self}, zero trust), in the enclave with the owner's CA-issued certificate ({@code owner}), or at
 * the operator's proxy ({@code operator}, for quick tests only; users cannot verify it).
 */
public enum SslOrigin {
  SELF,
  OWNER,
  OPERATOR;

  /** The lowercase name used in JSON and on the command line, as in MSE. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SslOrigin> fromWireName(String name) {
    for (SslOrigin origin : values()) {
      if (origin.wireName().equals(name)) {
        return Optional.of(origin);
      }
    }
    return Optional.empty();
  }
}
