package dev.mse.cli.home;

import dev.mse.cli.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home list}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the apps spawned on this machine, with their state. Role: SGX operator.")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    List<HomeApp> apps = AppRegistry.list();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      var array = Json.MAPPER.createArrayNode();
      apps.forEach(app -> array.add(json(app, NodeState.of(app))));
      out.println(Json.write(array));
      out.flush();
      return 0;
    }
    if (apps.isEmpty()) {
      out.println("no app on this machine ('mse home spawn' starts one)");
    } else {
      out.println(
          String.format("%-20s %-12s %-6s %-24s %s", "NAME", "STATE", "PORT", "STARTED", "SAN"));
      for (HomeApp app : apps) {
        out.println(
            String.format(
                "%-20s %-12s %-6d %-24s %s%s",
                app.name(),
                NodeState.of(app).state(),
                app.port(),
                app.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                app.san(),
                app.simulated() ? " (simulated)" : ""));
      }
    }
    out.flush();
    return 0;
  }

  /** An app as recorded, with its state now ({@code --json} of list and status). */
  static ObjectNode json(HomeApp app, NodeState state) {
    ObjectNode n = app.toJson().deepCopy();
    n.put("state", state.state());
    state.failure().ifPresent(f -> n.put("failure", f));
    state.pid().ifPresent(pid -> n.put("pid", pid));
    n.put("simulated", app.simulated());
    return n;
  }
}
