package dev.mse.cli.cloud;

import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mse cloud logs APP_ID}. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description =
        "Print the last 64 KiB of the app's output (kept 4 days after the app stops). Secrets"
            + " never appear there unless the app prints them.")
final class LogsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "APP_ID", description = "the app's UUID")
  UUID id;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(ApiClient.loggedIn().logs(id).path("stdout").asString(""));
    out.flush();
    return 0;
  }
}
