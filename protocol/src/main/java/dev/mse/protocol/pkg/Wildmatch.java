package dev.mse.protocol.pkg;

/**
 * Git's {@code wildmatch} (wildmatch.c), the glob matcher behind gitignore, ported so that {@code
 * .mseignore} means exactly what a {@code .gitignore} means. With {@code pathname}, {@code *} and
 * {@code ?} and classes do not match {@code /}, and {@code **} between slashes (or at either end)
 * matches across directories; without it {@code *} matches anything. Backslash quotes the next
 * character; {@code [!...]} and {@code [^...]} negate; POSIX classes such as {@code [:alpha:]} are
 * ASCII, as in git.
 *
 * <p>The abort results keep the backtracking linear in practice, as git's do: once a {@code *}
 * fails for every suffix, no outer {@code *} can succeed either.
 */
final class Wildmatch {
  private static final int MATCH = 0;
  private static final int NO_MATCH = 1;
  private static final int ABORT_ALL = -1;
  private static final int ABORT_TO_STARSTAR = -2;

  private Wildmatch() {}

  static boolean matches(String pattern, String text, boolean pathname) {
    return match(pattern, 0, text, 0, pathname) == MATCH;
  }

  private static char at(String s, int i) {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private static boolean isGlobSpecial(char c) {
    return c == '*' || c == '?' || c == '[' || c == '\\';
  }

  @SuppressWarnings("fallthrough")
  private static int match(String p, int pi, String t, int ti, boolean pathname) {
    for (; pi < p.length(); pi++, ti++) {
      char pch = p.charAt(pi);
      if (ti >= t.length() && pch != '*') {
        return ABORT_ALL;
      }
      char tch = at(t, ti);
      switch (pch) {
        case '\\':
          pi++;
          if (tch != at(p, pi) || pi >= p.length()) {
            return NO_MATCH;
          }
          continue;
        case '?':
          if (pathname && tch == '/') {
            return NO_MATCH;
          }
          continue;
        case '*':
          {
            int q = pi + 1;
            boolean matchSlash = !pathname;
            if (at(p, q) == '*') {
              while (at(p, q) == '*') {
                q++;
              }
              boolean atStart = pi == 0 || p.charAt(pi - 1) == '/';
              boolean atEnd =
                  q >= p.length()
                      || p.charAt(q) == '/'
                      || (p.charAt(q) == '\\' && at(p, q + 1) == '/');
              if (atStart && atEnd) {
                if (q < p.length()
                    && p.charAt(q) == '/'
                    && match(p, q + 1, t, ti, pathname) == MATCH) {
                  return MATCH;
                }
                matchSlash = true;
              }
            }
            if (q >= p.length()) {
              return !matchSlash && t.indexOf('/', ti) >= 0 ? NO_MATCH : MATCH;
            }
            if (!matchSlash && p.charAt(q) == '/') {
              // one '*' then '/': the star takes the rest of this path segment
              int slash = t.indexOf('/', ti);
              if (slash < 0) {
                return NO_MATCH;
              }
              pi = q;
              ti = slash;
              continue;
            }
            return starLoop(p, q, t, ti, pathname, matchSlash);
          }
        case '[':
          {
            int end = matchClass(p, pi, tch, pathname);
            if (end < 0) {
              return end == -1 ? ABORT_ALL : NO_MATCH;
            }
            pi = end;
            continue;
          }
        default:
          if (tch != pch) {
            return NO_MATCH;
          }
      }
    }
    return ti < t.length() ? NO_MATCH : MATCH;
  }

  /** Tries every split for a star run followed by the pattern at {@code q}. */
  private static int starLoop(
      String p, int q, String t, int ti, boolean pathname, boolean matchSlash) {
    char tch = at(t, ti);
    while (ti < t.length()) {
      char next = p.charAt(q);
      if (!isGlobSpecial(next)) {
        // skip ahead to the next occurrence of the literal that follows the star
        while (ti < t.length() && (matchSlash || t.charAt(ti) != '/')) {
          if (t.charAt(ti) == next) {
            break;
          }
          ti++;
        }
        tch = at(t, ti);
        if (ti >= t.length() || tch != next) {
          return NO_MATCH;
        }
      }
      int matched = match(p, q, t, ti, pathname);
      if (matched != NO_MATCH) {
        if (!matchSlash || matched != ABORT_TO_STARSTAR) {
          return matched;
        }
      } else if (!matchSlash && tch == '/') {
        return ABORT_TO_STARSTAR;
      }
      ti++;
      tch = at(t, ti);
    }
    return ABORT_ALL;
  }

  /**
   * Matches {@code tch} against the class opening at {@code pi}. Returns the index of the closing
   * bracket when it matches, -1 for a malformed class (abort), -2 for no match.
   */
  private static int matchClass(String p, int pi, char tch, boolean pathname) {
    int i = pi + 1;
    char pch = at(p, i);
    if (pch == '^') {
      pch = '!';
    }
    boolean negated = pch == '!';
    if (negated) {
      i++;
      pch = at(p, i);
    }
    char prev = '\0';
    boolean matched = false;
    do {
      if (i >= p.length()) {
        return -1;
      }
      if (pch == '\\') {
        i++;
        if (i >= p.length()) {
          return -1;
        }
        pch = p.charAt(i);
        if (tch == pch) {
          matched = true;
        }
      } else if (pch == '-' && prev != '\0' && i + 1 < p.length() && p.charAt(i + 1) != ']') {
        i++;
        pch = p.charAt(i);
        if (pch == '\\') {
          i++;
          if (i >= p.length()) {
            return -1;
          }
          pch = p.charAt(i);
        }
        if (tch <= pch && tch >= prev) {
          matched = true;
        }
        pch = '\0';
      } else if (pch == '[' && at(p, i + 1) == ':') {
        int s = i + 2;
        int j = s;
        while (j < p.length() && p.charAt(j) != ']') {
          j++;
        }
        if (j >= p.length()) {
          return -1;
        }
        int len = j - s - 1;
        if (len < 0 || p.charAt(j - 1) != ':') {
          // no ":]": an ordinary '[' in the set
          i = s - 2;
          pch = '[';
          if (tch == pch) {
            matched = true;
          }
        } else {
          Boolean inClass = posixClass(p.substring(s, s + len), tch);
          if (inClass == null) {
            return -1;
          }
          if (inClass) {
            matched = true;
          }
          i = j;
          pch = '\0';
        }
      } else if (tch == pch) {
        matched = true;
      }
      prev = pch;
      i++;
      pch = at(p, i);
    } while (i < p.length() && pch != ']');
    if (i >= p.length()) {
      return -1;
    }
    if (matched == negated || (pathname && tch == '/')) {
      return -2;
    }
    return i;
  }

  @SuppressWarnings("NullableOptional")
  private static Boolean posixClass(String name, char c) {
    return switch (name) {
      case "alnum" -> isAlpha(c) || isDigit(c);
      case "alpha" -> isAlpha(c);
      case "blank" -> c == ' ' || c == '\t';
      case "cntrl" -> c < 0x20 || c == 0x7f;
      case "digit" -> isDigit(c);
      case "graph" -> c > 0x20 && c < 0x7f;
      case "lower" -> c >= 'a' && c <= 'z';
      case "print" -> c >= 0x20 && c < 0x7f;
      case "punct" -> c > 0x20 && c < 0x7f && !isAlpha(c) && !isDigit(c);
      case "space" -> c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
      case "upper" -> c >= 'A' && c <= 'Z';
      case "xdigit" -> isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      default -> null;
    };
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
