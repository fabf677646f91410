package dev.mse.cli.cloud;

import dev.mse.cli.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code mse cloud list [PROJECT] [--all]}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List your apps that are spawning, initializing or running (--all: every app).")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "PROJECT", description = "only this project's apps")
  String project;

  @Option(names = "--all", description = "stopped and failed apps too")
  boolean all;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    Map<String, String> filter = new LinkedHashMap<>();
    if (project != null) {
      filter.put("project", project);
    }
    if (!all) {
      filter.put("status", "spawning,initializing,running");
    }
    JsonNode apps = ApiClient.loggedIn().apps(filter);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(apps));
    } else if (apps.isEmpty()) {
      out.println(all ? "no apps" : "no app is running (--all shows stopped ones)");
    } else {
      out.println(
          "App UUID                             | Created at           | Status       | App");
      for (JsonNode a : apps) {
        out.printf(
            "%-36s | %-20s | %-12s | %s on %s%n",
            a.path("id").asString(),
            a.path("created_at").asString(),
            a.path("status").asString(),
            a.path("name").asString(),
            a.path("domain").asString());
      }
    }
    out.flush();
    return 0;
  }
}
