package dev.mse.cli.readme;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands of one walk-through of README.md, between {@code <!-- walkthrough:NAME} and {@code
 * <!-- /walkthrough:NAME -->}: every line of its {@code sh} blocks, and the {@code $ } lines of its
 * {@code console} blocks with their {@code \} continuation lines (the other lines of a console
 * block are output). Blocks of other languages, prose, and anything outside the markers are not
 * run, so lines added elsewhere in README do not change a walk-through.
 */
final class ReadmeWalkthrough {
  private ReadmeWalkthrough() {}

  /** The walk-through's commands, in order, each as written (continuations included). */
  static List<String> commands(String readme, String name) {
    String open = "<!-- walkthrough:" + name;
    String close = "<!-- /walkthrough:" + name + " -->";
    int start = readme.indexOf(open);
    int end = readme.indexOf(close);
    if (start < 0 || end < start || readme.indexOf(open, start + 1) >= 0) {
      throw new IllegalArgumentException(
          "README has no single walk-through '" + name + "' (" + open + " ... " + close + ")");
    }
    List<String> commands = new ArrayList<>();
    String language = null;
    StringBuilder command = null;
    for (String line : readme.substring(start, end).split("\n", -1)) {
      if (line.startsWith("```")) {
        language = language == null ? line.substring(3).strip() : null;
        command = null;
        continue;
      }
      if (language == null) {
        continue;
      }
      boolean continues = command != null;
      if (continues) {
        command.append('\n').append(line);
      } else if (language.equals("sh") && !line.isBlank()) {
        command = new StringBuilder(line);
      } else if (language.equals("console") && line.startsWith("$ ")) {
        command = new StringBuilder(line.substring(2));
      } else {
        continue;
      }
      if (!line.endsWith("\\")) {
        commands.add(command.toString());
        command = null;
      }
    }
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("the walk-through '" + name + "' has no command");
    }
    return commands;
  }
}
