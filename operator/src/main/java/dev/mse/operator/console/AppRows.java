package dev.mse.operator.console;

import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.console.ConsoleViews.AppRow;
import dev.mse.operator.store.AppRecord;

/** An app as a row of the console's tables (and the head of its own pages). */
final class AppRows {
  private final AppService apps;

  AppRows(AppService apps) {
    this.apps = apps;
  }

  AppRow row(AppRecord a, String project) {
    return new AppRow(
        a.id().toString(),
        a.name(),
        project,
        a.status().wireName(),
        a.domain(),
        trust(a.sslOrigin()),
        teeLabel(),
        ConsoleFormat.time(a.expiresAt()));
  }

  private String teeLabel() {
    String tee = apps.tee();
    return tee.equals("simulation") ? "simulation (not a hardware TEE)" : tee;
  }

  private static String trust(SslOrigin origin) {
    return switch (origin) {
      case SELF -> "zero trust (RA-TLS in the enclave)";
      case OWNER -> "owner's certificate (TLS ends in the enclave)";
      case OPERATOR -> "operator's TLS (--untrusted-ssl)";
    };
  }
}
