package dev.mse.protocol.pkg;

import java.util.Optional;

/**
 * One {@code .mseignore} line, parsed as git's parse_path_pattern does: {@code !} negates, a
 * trailing {@code /} restricts to directories, a pattern without any other slash matches the
 * basename at any depth, otherwise the whole path from the code directory (a leading {@code /} is
 * dropped). As in git, the literal prefix is compared first and the rest is globbed on its own,
 * which matters for a {@code **} right after that prefix.
 */
record IgnorePattern(
    String pattern,
    boolean negated,
    boolean directoryOnly,
    boolean basenameOnly,
    int literalPrefix) {

  static Optional<IgnorePattern> parse(String line) {
    String p = line;
    boolean negated = p.startsWith("!");
    if (negated) {
      p = p.substring(1);
    }
    boolean directoryOnly = p.endsWith("/");
    if (directoryOnly) {
      p = p.substring(0, p.length() - 1);
    }
    boolean basenameOnly = p.indexOf('/') < 0;
    if (!basenameOnly && p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new IgnorePattern(p, negated, directoryOnly, basenameOnly, literalLength(p)));
  }

  boolean matches(String path, String basename, boolean isDirectory) {
    if (directoryOnly && !isDirectory) {
      return false;
    }
    if (basenameOnly) {
      if (literalPrefix == pattern.length()) {
        return pattern.equals(basename);
      }
      return Wildmatch.matches(pattern, basename, false);
    }
    if (literalPrefix > 0) {
      if (literalPrefix > path.length() || !path.startsWith(pattern.substring(0, literalPrefix))) {
        return false;
      }
      if (literalPrefix == pattern.length()) {
        return literalPrefix == path.length();
      }
      return Wildmatch.matches(
          pattern.substring(literalPrefix), path.substring(literalPrefix), true);
    }
    return Wildmatch.matches(pattern, path, true);
  }

  private static int literalLength(String p) {
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '\\') {
        return i;
      }
    }
    return p.length();
  }
}
