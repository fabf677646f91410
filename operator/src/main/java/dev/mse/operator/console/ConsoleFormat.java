package dev.mse.operator.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** Times as people read them on the console: UTC, to the second. */
final class ConsoleFormat {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private ConsoleFormat() {}

  static String time(Instant t) {
    return TIME.format(t);
  }

  static String time(Optional<Instant> t) {
    return t.map(ConsoleFormat::time).orElse(null);
  }
}
