package dev.mse.protocol.text;

import java.nio.charset.StandardCharsets;

/**
 * Untrusted input as it may appear in an error message, a log line or an API answer: quoted, at
 * most {@value #MAX_CODE_POINTS} code points followed by "…" when cut, and every character that
 * could hide or reorder text (controls, line separators, format characters such as bidi overrides
 * and zero-width spaces, unpaired surrogates) and the backslash escaped as {@code \\uXXXX} or
 * {@code \\}. A 20 MiB name becomes a 70-character excerpt, and what an attacker sends cannot forge
 * a second log line or reverse the text around it.
 */
public final class UntrustedText {
  /** The most code points of the input an excerpt shows. */
  public static final int MAX_CODE_POINTS = 64;

  private UntrustedText() {}

  /** The excerpt of {@code text}. */
  public static String excerpt(CharSequence text) {
    StringBuilder out = new StringBuilder(MAX_CODE_POINTS + 8).append('\'');
    int shown = 0;
    int i = 0;
    while (i < text.length() && shown < MAX_CODE_POINTS) {
      char c = text.charAt(i);
      int cp = c;
      int width = 1;
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        cp = Character.toCodePoint(c, text.charAt(i + 1));
        width = 2;
      }
      if (cp == '\\') {
        out.append("\\\\");
      } else if (hidesText(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
      i += width;
      shown++;
    }
    out.append('\'');
    if (i < text.length()) {
      out.append('…');
    }
    return out.toString();
  }

  /**
   * The excerpt of bytes that should be text: decoded as UTF-8 (malformed sequences become U+FFFD),
   * at most {@code 4 * MAX_CODE_POINTS} bytes of them looked at.
   */
  public static String excerpt(byte[] bytes) {
    int look = Math.min(bytes.length, 4 * MAX_CODE_POINTS);
    String decoded = new String(bytes, 0, look, StandardCharsets.UTF_8);
    String excerpt = excerpt(decoded);
    return look < bytes.length && !excerpt.endsWith("…") ? excerpt + "…" : excerpt;
  }

  private static boolean hidesText(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.UNASSIGNED,
          Character.PRIVATE_USE ->
          true;
      default -> false;
    };
  }
}
