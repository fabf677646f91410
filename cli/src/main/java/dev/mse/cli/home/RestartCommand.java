package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.quote.PccsOption;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home restart NAME}. */
@Command(
    name = "restart",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the app's runtime if it runs and start it again with the same files. A provisioned"
          + " runtime unseals its state and serves the app again without its owner; one that was"
          + " still waiting makes new keys and needs new evidence and a new seal. Refreshes"
          + " DIR/evidence.json and DIR/ratls.pem. Role: SGX operator."
    })
final class RestartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the app")
  String name;

  @Mixin PccsOption pccsOption;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    HomeApp app = AppRegistry.load(name).withPccs(pccsOption.url());
    NodeFiles.stop(app);
    HomeApp restarted = app.withStartedAt(Instant.now());
    AppRegistry.save(restarted);
    Process process = RuntimeProcess.start(restarted);
    JsonNode status =
        LocalNode.awaitState(
            restarted, Optional.of(process), Set.of("waiting", "running"), Spawner.START_TIMEOUT);
    LocalNode.collectEvidence(restarted, restarted.output());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode n = Json.object();
      n.put("name", name);
      n.put("state", status.path("state").asString());
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.println("restarted " + name + ": " + status.path("state").asString());
    out.flush();
    return 0;
  }
}
