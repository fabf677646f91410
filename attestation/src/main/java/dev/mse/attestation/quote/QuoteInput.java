package dev.mse.attestation.quote;

import java.util.Base64;
import java.util.HexFormat;

/**
 * Turns the contents of a quote file into quote bytes. Quotes are passed around as raw binary, as
 * hex (often from a shell, sometimes with a {@code 0x} prefix) and as base64 (from JSON APIs), and
 * users should not have to say which.
 *
 * <p>The rule, applied in this order, cannot mistake one form for another:
 *
 * <ol>
 *   <li>Input holding any byte other than printable ASCII (0x20 to 0x7e) or ASCII whitespace is
 *       binary and returned unchanged. Every real quote qualifies: it starts with its version as a
 *       little-endian u16 ({@code 03 00}, {@code 04 00} or {@code 05 00}).
 *   <li>Otherwise the input is text and all whitespace in it is ignored. Text that starts with
 *       {@code 0x} or {@code 0X} must be hex.
 *   <li>Text made only of hex digits (either case) is hex. An odd number of digits is an error, not
 *       a hint to try base64.
 *   <li>Any other text is base64, standard ({@code +/}) or URL-safe ({@code -_}) alphabet but not
 *       both, with or without {@code =} padding.
 * </ol>
 *
 * Base64 that happens to use only hex digits is therefore read as hex; a base64 quote never does,
 * since its version bytes encode as {@code AwA}, {@code BAA} or {@code BQA} followed by letters
 * outside {@code A-F}.
 */
public final class QuoteInput {
  private static final HexFormat HEX = HexFormat.of();

  private QuoteInput() {}

  /**
   * Decodes {@code fileContents} by the rule above.
   *
   * @throws QuoteFormatException if the input is empty, or is text that is neither valid hex nor
   *     valid base64
   */
  public static byte[] decode(byte[] fileContents) throws QuoteFormatException {
    if (fileContents.length == 0) {
      throw new QuoteFormatException("empty quote input");
    }
    if (!isText(fileContents)) {
      return fileContents.clone();
    }
    String text = withoutWhitespace(fileContents);
    if (text.isEmpty()) {
      throw new QuoteFormatException("quote input holds only whitespace");
    }
    if (text.startsWith("0x") || text.startsWith("0X")) {
      return hex(text.substring(2), "after the 0x prefix");
    }
    if (isHexDigits(text)) {
      return hex(text, "");
    }
    return base64(text);
  }

  private static boolean isText(byte[] bytes) {
    for (byte b : bytes) {
      if ((b < 0x20 || b > 0x7e) && !isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWhitespace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
  }

  private static String withoutWhitespace(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      if (!isWhitespace(b)) {
        out.append((char) b);
      }
    }
    return out.toString();
  }

  private static boolean isHexDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!HexFormat.isHexDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static byte[] hex(String digits, String where) throws QuoteFormatException {
    String context = where.isEmpty() ? "" : " " + where;
    if (digits.isEmpty()) {
      throw new QuoteFormatException("no hex digits" + context);
    }
    for (int i = 0; i < digits.length(); i++) {
      if (!HexFormat.isHexDigit(digits.charAt(i))) {
        throw new QuoteFormatException(
            "hex quote input has a non-hex character '" + digits.charAt(i) + "'" + context);
      }
    }
    if (digits.length() % 2 != 0) {
      throw new QuoteFormatException(
          "hex quote input has an odd number of digits (" + digits.length() + ")" + context);
    }
    return HEX.parseHex(digits);
  }

  private static byte[] base64(String text) throws QuoteFormatException {
    boolean standard = text.indexOf('+') >= 0 || text.indexOf('/') >= 0;
    boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
    if (standard && urlSafe) {
      throw new QuoteFormatException(
          "base64 quote input mixes the standard (+/) and URL-safe (-_) alphabets");
    }
    byte[] decoded;
    try {
      decoded = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    } catch (IllegalArgumentException e) {
      throw new QuoteFormatException(
          "quote input is text but neither hex nor valid base64: " + e.getMessage(), e);
    }
    if (decoded.length == 0) {
      throw new QuoteFormatException("base64 quote input decodes to no bytes");
    }
    return decoded;
  }
}
