package dev.mse.cli;

import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one clear line on stderr and exit code 1. {@code MSE_BACKTRACE=full} adds the
 * stack trace, for bug reports.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  static final int FAILURE = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    String message =
        e instanceof UserError
            ? e.getMessage()
            : "unexpected error: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    err.println(cmd.getColorScheme().errorText("mse: " + message));
    if (backtrace()) {
      e.printStackTrace(err);
    } else if (!(e instanceof UserError)) {
      err.println("mse: set MSE_BACKTRACE=full to see where it happened");
    }
    err.flush();
    return FAILURE;
  }

  static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("mse: " + e.getMessage());
    err.println("mse: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    if (backtrace()) {
      e.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  private static boolean backtrace() {
    String v = System.getenv("MSE_BACKTRACE");
    return v != null && (v.toLowerCase(Locale.ROOT).equals("full") || v.equals("1"));
  }
}
