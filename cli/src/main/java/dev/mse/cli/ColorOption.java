package dev.mse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.ParseResult;

/**
 * {@code --color auto|never|always}, global: whether help and error lines use ANSI colours. Auto
 * colours only a terminal, and never when {@code NO_COLOR} is set (no-color.org).
 */
public enum ColorOption {
  AUTO,
  NEVER,
  ALWAYS;

  static final String NAME = "--color";

  /** Whether output is coloured, for this choice, terminal and NO_COLOR value. */
  boolean colors(boolean terminal, String noColor) {
    return switch (this) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> terminal && (noColor == null || noColor.isEmpty());
    };
  }

  /** The choice given anywhere on the command line (the option is inherited), else AUTO. */
  static ColorOption of(ParseResult parsed) {
    ColorOption chosen = AUTO;
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      chosen = p.matchedOptionValue(NAME, chosen);
    }
    return chosen;
  }

  /** Applies the choice of {@code parsed} to {@code cli} and all its subcommands. */
  static void apply(CommandLine cli, ParseResult parsed) {
    var console = System.console();
    boolean on =
        of(parsed).colors(console != null && console.isTerminal(), System.getenv("NO_COLOR"));
    cli.setColorScheme(Help.defaultColorScheme(on ? Help.Ansi.ON : Help.Ansi.OFF));
  }
}
