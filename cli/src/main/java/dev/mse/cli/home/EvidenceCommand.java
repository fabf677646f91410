package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.owner.EvidenceFile;
import dev.mse.cli.quote.PccsOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home evidence NAME}: fetch the runtime's evidence again. */
@Command(
    name = "evidence",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch fresh evidence from the app's runtime (over verified TLS) and write"
          + " DIR/evidence.json and DIR/ratls.pem. The runtime issues a new certificate when its"
          + " state changes (the claims carry the state), so fetch again after 'run' or"
          + " 'restart' to get the certificate it serves now. Role: SGX operator."
    })
final class EvidenceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the app")
  String name;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "where to write evidence.json and ratls.pem")
  Path output;

  @Mixin PccsOption pccsOption;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    HomeApp app = AppRegistry.load(name).withPccs(pccsOption.url());
    if (RuntimeProcess.find(app).isEmpty()) {
      throw new dev.mse.cli.UserError(
          "the runtime of '" + name + "' is not running ('mse home restart " + name + "')");
    }
    Path dir = output.toAbsolutePath();
    EvidenceFile evidence = LocalNode.collectEvidence(app, dir);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode n = Json.object();
      n.put("app_id", evidence.inputArgs().appId().toString());
      n.put("evidence", dir.resolve("evidence.json").toString());
      n.put("ratls", dir.resolve("ratls.pem").toString());
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.println(
        "wrote "
            + dir.resolve("evidence.json")
            + " and "
            + dir.resolve("ratls.pem")
            + " (app "
            + evidence.inputArgs().appId()
            + ")");
    out.flush();
    return 0;
  }
}
