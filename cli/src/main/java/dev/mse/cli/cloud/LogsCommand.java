package dev.mse.cli.cloud;

import dev.mse.cli.Json;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode logs = ApiClient.loggedIn().logs(id);
    if (json) {
      ObjectNode n = Json.object();
      n.put("app_id", id.toString());
      n.put("stdout", logs.path("stdout").asString(""));
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.print(logs.path("stdout").asString(""));
    out.flush();
    return 0;
  }
}
