package dev.mse.protocol.pkg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code .mseignore} file at the top of the code directory, with the semantics of {@code
 * gitignore(5)} (MSE applied basename globs only, which surprised users who expected git's rules):
 * comments, blank lines, trailing spaces unless escaped, {@code !} negation (last match wins),
 * leading {@code /} and inner slashes anchor to the code directory, trailing {@code /} matches
 * directories only, {@code *}, {@code ?}, {@code **}, classes, {@code \#} and {@code \!}. A file
 * inside an ignored directory is ignored whatever later patterns say, as in git. Only the top-level
 * {@code .mseignore} is read.
 *
 * <p>Hidden files are not special (MSE skipped them silently; list them here instead). The names in
 * {@link #ALWAYS_EXCLUDED} are excluded at any depth and cannot be re-included: they hold the
 * configuration and the secrets, which must never travel inside the code.
 */
public final class MseIgnore {
  /** The file name, at the top of the code directory. */
  public static final String FILE_NAME = ".mseignore";

  /** Never packaged, at any depth, whatever {@code .mseignore} says. */
  public static final Set<String> ALWAYS_EXCLUDED =
      Set.of(FILE_NAME, "mse.toml", "secrets.json", "secrets_to_seal.json");

  private final List<IgnorePattern> patterns;

  private MseIgnore(List<IgnorePattern> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  /** Only the {@link #ALWAYS_EXCLUDED} names. */
  public static MseIgnore none() {
    return new MseIgnore(List.of());
  }

  /** Parses the content of a {@code .mseignore} file. */
  public static MseIgnore parse(String content) {
    String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
    List<IgnorePattern> out = new ArrayList<>();
    for (String raw : text.split("\n", -1)) {
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      IgnorePattern.parse(trimTrailingSpaces(line)).ifPresent(out::add);
    }
    return new MseIgnore(out);
  }

  /** Reads {@code <codeDirectory>/.mseignore}; {@link #none()} when there is no such file. */
  public static MseIgnore load(Path codeDirectory) throws IOException {
    Path file = codeDirectory.resolve(FILE_NAME);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return none();
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Whether {@code path} (relative to the code directory, {@code /}-separated, no leading or
   * trailing slash) is left out of the archive, taking its parent directories into account.
   */
  public boolean isIgnored(String path, boolean isDirectory) {
    int slash = path.indexOf('/');
    while (slash >= 0) {
      if (excludes(path.substring(0, slash), true)) {
        return true;
      }
      slash = path.indexOf('/', slash + 1);
    }
    return excludes(path, isDirectory);
  }

  /**
   * Whether the patterns exclude {@code path} itself, its parents aside: what a directory walk asks
   * of each entry before descending.
   */
  boolean excludes(String path, boolean isDirectory) {
    String basename = path.substring(path.lastIndexOf('/') + 1);
    if (ALWAYS_EXCLUDED.contains(basename)) {
      return true;
    }
    for (int i = patterns.size() - 1; i >= 0; i--) {
      IgnorePattern pattern = patterns.get(i);
      if (pattern.matches(path, basename, isDirectory)) {
        return !pattern.negated();
      }
    }
    return false;
  }

  /** Git's trim_trailing_spaces: unescaped trailing spaces go, an escaped one stays. */
  private static String trimTrailingSpaces(String line) {
    int lastSpace = -1;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ') {
        if (lastSpace < 0) {
          lastSpace = i;
        }
      } else if (c == '\\') {
        i++;
        if (i >= line.length()) {
          return line;
        }
        lastSpace = -1;
      } else {
        lastSpace = -1;
      }
    }
    return lastSpace < 0 ? line : line.substring(0, lastSpace);
  }
}
