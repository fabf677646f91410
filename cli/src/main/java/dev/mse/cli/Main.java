package dev.mse.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Entry point of the {@code mse} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
  }

  /**
   * As MSE: {@code mse deploy} means {@code mse $MSE_DEFAULT_ENV deploy} (cloud unless set) when
   * the first word is not a top-level command or option.
   */
  static String[] withDefaultGroup(String[] args, CommandLine cli) {
    if (args.length == 0 || args[0].startsWith("-") || cli.getSubcommands().containsKey(args[0])) {
      return args;
    }
    String group = System.getenv("MSE_DEFAULT_ENV");
    group = group == null || group.isBlank() ? "cloud" : group.strip();
    CommandLine sub = cli.getSubcommands().get(group);
    if (sub == null || !sub.getSubcommands().containsKey(args[0])) {
      return args;
    }
    String[] shifted = new String[args.length + 1];
    shifted[0] = group;
    System.arraycopy(args, 0, shifted, 1, args.length);
    return shifted;
  }

  /** Runs {@code mse} with the given arguments and streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new MseCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(new ErrorReporter());
    cli.setParameterExceptionHandler(ErrorReporter::usageError);
    cli.setExecutionStrategy(
        parsed -> {
          ColorOption.apply(cli, parsed);
          return new CommandLine.RunLast().execute(parsed);
        });
    return cli.execute(withDefaultGroup(args, cli));
  }
}
