package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Typed, checked access to the fields of one JSON object. Every failure names the full path of the
 * offending field ({@code tcbInfo.tcbLevels[3].tcb.pcesvn}) so that a user holding a broken file
 * can find the problem, and every failure is a {@link CollateralFormatException}: callers never see
 * Jackson's or the JDK's unchecked exceptions.
 *
 * @param node a JSON object
 * @param path where {@code node} sits in the document
 */
record JsonFields(JsonNode node, String path) {
  private static final Set<TcbStatus> COLLATERAL_STATUSES =
      EnumSet.of(
          TcbStatus.UP_TO_DATE,
          TcbStatus.SW_HARDENING_NEEDED,
          TcbStatus.CONFIGURATION_NEEDED,
          TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED,
          TcbStatus.OUT_OF_DATE,
          TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
          TcbStatus.REVOKED);

  /** The value of {@code name}, which must be present and not null. */
  JsonNode required(String name) throws CollateralFormatException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw new CollateralFormatException(path(name) + ": missing");
    }
    return value;
  }

  boolean has(String name) {
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  String path(String name) {
    return path + "." + name;
  }

  JsonFields object(String name) throws CollateralFormatException {
    return asObject(required(name), path(name));
  }

  String string(String name) throws CollateralFormatException {
    return asString(required(name), path(name));
  }

  Optional<String> optionalString(String name) throws CollateralFormatException {
    return has(name) ? Optional.of(string(name)) : Optional.empty();
  }

  /** Hex digits (either case, nothing else) that decode to exactly {@code length} bytes. */
  ByteString hex(String name, int length) throws CollateralFormatException {
    return decodeHex(string(name), length, path(name));
  }

  long integer(String name, long min, long max) throws CollateralFormatException {
    return asInteger(required(name), min, max, path(name));
  }

  /** An ISO-8601 instant, as Intel writes them ({@code 2025-06-19T10:56:11Z}). */
  Instant instant(String name) throws CollateralFormatException {
    String text = string(name);
    Instant fast = utcSeconds(text);
    if (fast != null) {
      return fast;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new CollateralFormatException(
          path(name) + ": not an ISO-8601 instant: " + excerpt(text), e);
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ssZ}, the form of nearly every instant in Intel's collateral (a TCB
   * Info holds one per TCB level), read without the JDK's general ISO-8601 parser, which cost about
   * a tenth of a TCB Info's parsing; null for any other form, which {@link Instant#parse} then
   * reads or refuses.
   */
  private static Instant utcSeconds(String t) {
    if (t.length() != 20
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || t.charAt(10) != 'T'
        || t.charAt(13) != ':'
        || t.charAt(16) != ':'
        || t.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // out of range (month 13, hour 24, second 60...): Instant.parse decides
    }
  }

  private static int digits(String t, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * A TCB status as Intel's collateral writes it. Only the values that Intel's TCB Info and enclave
   * identity formats define are accepted: the verdict-only statuses ({@code TcbNotSupported},
   * {@code TDRelaunchAdvised…}) are computed by a verifier and never appear in signed collateral,
   * so a document that carries one is malformed.
   */
  TcbStatus status(String name) throws CollateralFormatException {
    String text = string(name);
    Optional<TcbStatus> status = TcbStatus.fromIntelName(text);
    if (status.isEmpty() || !COLLATERAL_STATUSES.contains(status.get())) {
      throw new CollateralFormatException(path(name) + ": unknown TCB status " + excerpt(text));
    }
    return status.get();
  }

  /** The elements of an array, each with its own path. */
  List<JsonNode> array(String name) throws CollateralFormatException {
    JsonNode value = required(name);
    if (!value.isArray()) {
      throw new CollateralFormatException(path(name) + ": expected an array");
    }
    List<JsonNode> out = new ArrayList<>(value.size());
    value.forEach(out::add);
    return out;
  }

  /** An optional array of strings, such as {@code advisoryIDs}; absent means empty. */
  List<String> optionalStrings(String name) throws CollateralFormatException {
    if (!has(name)) {
      return List.of();
    }
    List<JsonNode> items = array(name);
    List<String> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(asString(items.get(i), path(name) + "[" + i + "]"));
    }
    return out;
  }

  static JsonFields asObject(JsonNode value, String path) throws CollateralFormatException {
    if (!value.isObject()) {
      throw new CollateralFormatException(path + ": expected an object");
    }
    return new JsonFields(value, path);
  }

  static String asString(JsonNode value, String path) throws CollateralFormatException {
    if (!value.isString()) {
      throw new CollateralFormatException(path + ": expected a string");
    }
    return value.stringValue();
  }

  static long asInteger(JsonNode value, long min, long max, String path)
      throws CollateralFormatException {
    if (!value.isIntegralNumber()) {
      throw new CollateralFormatException(path + ": expected an integer");
    }
    BigInteger number = value.bigIntegerValue();
    if (number.compareTo(BigInteger.valueOf(min)) < 0
        || number.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new CollateralFormatException(
          path + ": " + number + " is out of range [" + min + ", " + max + "]");
    }
    return number.longValueExact();
  }

  static ByteString decodeHex(String text, int length, String path)
      throws CollateralFormatException {
    if (text.length() != 2 * length) {
      throw new CollateralFormatException(
          path
              + ": expected "
              + length
              + " bytes ("
              + 2 * length
              + " hex digits), found "
              + text.length()
              + " characters");
    }
    return ByteString.of(parseHexDigits(text, path));
  }

  /** Hex digits of any even length; no prefix, no whitespace. */
  static byte[] parseHexDigits(String text, String path) throws CollateralFormatException {
    if (text.length() % 2 != 0) {
      throw new CollateralFormatException(path + ": odd number of hex digits");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean hexDigit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hexDigit) {
        throw new CollateralFormatException(path + ": not a hex digit at position " + i);
      }
    }
    return HexFormat.of().parseHex(text);
  }

  /** Untrusted text shortened for an error message. */
  static String excerpt(String text) {
    return text.length() <= 64 ? '"' + text + '"' : '"' + text.substring(0, 64) + "\"…";
  }
}
