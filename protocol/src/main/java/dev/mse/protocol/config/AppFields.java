package dev.mse.protocol.config;

import java.util.regex.Pattern;

/**
 * The rules for the app fields that travel from {@code mse.toml} into the package manifest and the
 * deployment config. One place, so that a value accepted by the CLI is accepted by the enclave and
 * the other way round.
 */
public final class AppFields {
  /** Longest app name (as in MSE). */
  public static final int MAX_NAME_LENGTH = 255;

  private static final Pattern JAVA_IDENTIFIER =
      Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*");
  private static final Pattern DNS_LABEL =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private AppFields() {}

  /** 1 to 255 characters, all of them {@linkplain #isPrintable printable}. */
  public static boolean isAppName(String name) {
    return !name.isEmpty() && name.length() <= MAX_NAME_LENGTH && isPrintable(name);
  }

  /**
   * True when a name shown to people has no control characters, no format characters (bidi
   * overrides and isolates U+202A–U+202E, U+2066–U+2069, marks, zero-width characters) and no
   * surrogate left unpaired: any of these can make a name display as another one.
   */
  public static boolean isPrintable(String text) {
    return text.codePoints()
        .noneMatch(
            cp ->
                switch (Character.getType(cp)) {
                  case Character.CONTROL,
                      Character.FORMAT,
                      Character.SURROGATE,
                      Character.LINE_SEPARATOR,
                      Character.PARAGRAPH_SEPARATOR,
                      Character.UNASSIGNED ->
                      true;
                  default -> false;
                });
  }

  /** A fully qualified Java class name such as {@code com.example.Main}. */
  public static boolean isJavaClassName(String name) {
    if (name.isEmpty() || name.length() > 1024) {
      return false;
    }
    for (String part : name.split("\\.", -1)) {
      if (!JAVA_IDENTIFIER.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }

  /**
   * A relative path to a jar inside the code directory ({@code app.jar}, {@code lib/app.jar}): no
   * leading slash, no empty, {@code .} or {@code ..} segment, no backslash, ends with {@code .jar}.
   */
  public static boolean isMainJar(String path) {
    if (path.length() > 4096 || !path.endsWith(".jar") || path.contains("\\")) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return path.chars().noneMatch(Character::isISOControl);
  }

  /** An HTTP path: starts with {@code /}, printable ASCII without spaces, at most 2048 chars. */
  public static boolean isHealthcheckEndpoint(String path) {
    return path.startsWith("/")
        && path.length() <= 2048
        && path.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /** A DNS host name: dot-separated labels of letters, digits and inner hyphens; 253 at most. */
  public static boolean isDomainName(String domain) {
    if (domain.isEmpty() || domain.length() > 253) {
      return false;
    }
    for (String label : domain.split("\\.", -1)) {
      if (!DNS_LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }
}
