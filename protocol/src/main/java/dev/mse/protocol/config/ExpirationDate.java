package dev.mse.protocol.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The {@code expiration_date} of {@code [cloud]}, kept as written so that it can be written back
 * unchanged: a day, a local date-time, or a date-time with an offset. A value without an offset is
 * read in the zone the caller passes (MSE read naive dates in the local time zone), which is why
 * the conversion to an instant takes a zone instead of guessing one.
 */
public sealed interface ExpirationDate {

  /** The instant this expiration designates; {@code zone} applies to values without an offset. */
  Instant toInstant(ZoneId zone);

  /** The TOML literal (a native TOML date or date-time, not a string). */
  String toTomlLiteral();

  /** The start of {@code day}. */
  record OnDay(LocalDate day) implements ExpirationDate {
    @Override
    public Instant toInstant(ZoneId zone) {
      return day.atStartOfDay(zone).toInstant();
    }

    @Override
    public String toTomlLiteral() {
      return DateTimeFormatter.ISO_LOCAL_DATE.format(day);
    }
  }

  /** A date-time without an offset. */
  record AtLocalTime(LocalDateTime time) implements ExpirationDate {
    @Override
    public Instant toInstant(ZoneId zone) {
      return time.atZone(zone).toInstant();
    }

    @Override
    public String toTomlLiteral() {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(time);
    }
  }

  /** A date-time with an explicit offset: independent of any zone. */
  record AtOffsetTime(OffsetDateTime time) implements ExpirationDate {
    @Override
    public Instant toInstant(ZoneId zone) {
      return time.toInstant();
    }

    @Override
    public String toTomlLiteral() {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }
  }

  /**
   * Reads the string forms users write: {@code 2024-03-14}, {@code 2024-03-14T10:00:00}, {@code
   * 2024-03-14T10:00:00Z} and MSE's {@code 2024-03-14 00:00:00+00:00} (a space for the {@code T}).
   */
  static ExpirationDate parse(String text) throws ConfigException {
    String iso =
        text.length() > 10 && text.charAt(10) == ' '
            ? text.substring(0, 10) + 'T' + text.substring(11)
            : text;
    try {
      if (iso.length() == 10) {
        return new OnDay(LocalDate.parse(iso));
      }
      if (hasOffset(iso)) {
        return new AtOffsetTime(OffsetDateTime.parse(iso));
      }
      return new AtLocalTime(LocalDateTime.parse(iso));
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          "cloud.expiration_date: '"
              + text
              + "' is not an ISO date or date-time (for example 2024-03-14 or"
              + " 2024-03-14T00:00:00Z)",
          e);
    }
  }

  private static boolean hasOffset(String iso) {
    int timeStart = iso.indexOf('T');
    if (timeStart < 0) {
      return false;
    }
    String time = iso.substring(timeStart);
    return time.endsWith("Z")
        || time.endsWith("z")
        || time.indexOf('+') >= 0
        || time.indexOf('-') >= 0;
  }
}
