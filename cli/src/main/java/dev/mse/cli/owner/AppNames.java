package dev.mse.cli.owner;

import dev.mse.cli.UserError;
import java.util.regex.Pattern;

/** App names as the CLI accepts them: also file and directory names, so no path characters. */
public final class AppNames {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private AppNames() {}

  /** Returns {@code name}, or fails with one line saying what a name may be. */
  public static String check(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new UserError(
          "invalid name '"
              + name
              + "': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }
}
