package dev.mse.attestation.ratls;

import java.util.Locale;
import java.util.Optional;

/**
 * Where the TLS of an app ends (DESIGN §1), and so who holds the key users talk to: the enclave
 * with its RA-TLS certificate ({@code self}, zero trust), the enclave with the owner's CA-issued
 * certificate ({@code owner}), or the operator's proxy ({@code operator}, quick tests only).
 */
public enum SslOrigin {
  SELF,
  OWNER,
  OPERATOR;

  /** The lowercase name used in claims, JSON and on the command line, as in MSE. */
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
