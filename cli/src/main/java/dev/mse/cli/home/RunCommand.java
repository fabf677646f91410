package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.WaitProgress;
import dev.mse.cli.enclave.EnclaveClient;
import dev.mse.cli.quote.PccsOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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

/** {@code mse home run NAME}: deliver the owner's sealed provisioning and start the app. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Deliver the code provider's sealed file (from 'mse home seal') and your plain secrets to"
          + " the app's runtime, then wait until the app runs. The runtime opens the sealed file,"
          + " decrypts the code in memory, seals its state, and starts the app; the app reads"
          + " --secrets at $MSE_SECRETS_PATH and the sealed secrets at $MSE_SEALED_SECRETS_PATH."
          + " Then refreshes DIR/evidence.json and DIR/ratls.pem with the running certificate.",
      "Unlike MSE, TLS is pinned to the runtime's certificate (DIR/ratls.pem) instead of"
          + " unverified, and there is no --key: the code key is inside the sealed file."
          + " Role: SGX operator."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the app")
  String name;

  @Option(
      names = "--sealed-secrets",
      required = true,
      paramLabel = "FILE",
      description = "the sealed file from the code provider")
  Path sealed;

  @Option(
      names = "--secrets",
      paramLabel = "FILE",
      description = "your plain secrets for the app, JSON")
  Path secrets;

  @Option(
      names = "--timeout",
      defaultValue = "5",
      paramLabel = "MIN",
      description = "minutes to wait for the app to run (default: ${DEFAULT-VALUE})")
  long timeout;

  @Mixin PccsOption pccsOption;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    HomeApp app = AppRegistry.load(name).withPccs(pccsOption.url());
    if (RuntimeProcess.find(app).isEmpty()) {
      throw new UserError(
          "the runtime of '" + name + "' is not running ('mse home restart " + name + "')");
    }
    ObjectNode body = Json.object();
    body.put(
        "sealed_message",
        Base64.getEncoder().encodeToString(UserFiles.read(sealed, "sealed file")));
    if (secrets != null) {
      body.set("secrets", Json.MAPPER.readTree(SealCommand.readJson(secrets)));
    }
    EnclaveClient client =
        NodeClient.pinned(app, LocalNode.config(app), LocalNode.recordedCertificate(app));
    EnclaveClient.Reply reply;
    try {
      reply = client.provision(Json.MAPPER.writeValueAsString(body));
    } catch (EnclaveClient.Unreachable e) {
      throw new UserError(e.getMessage(), e);
    }
    String reason =
        Optional.ofNullable(reply.json().get("error")).map(JsonNode::asString).orElse(reply.body());
    switch (reply.status()) {
      case 202 -> {}
      case 403 ->
          throw new UserError(
              "the runtime refused the provisioning: "
                  + reason
                  + " (it keeps waiting for its owner)");
      case 409 -> throw new UserError("the runtime is already provisioned: " + reason);
      default -> throw new UserError("the runtime answered HTTP " + reply.status() + ": " + reason);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.println("provisioned " + name + "; waiting for the app to run");
      out.flush();
    }
    LocalNode.awaitState(
        app,
        Optional.empty(),
        Set.of("running"),
        Duration.ofMinutes(timeout),
        Optional.of(
            new WaitProgress(spec.commandLine().getErr(), "the runtime of '" + app.name() + "'")));
    LocalNode.collectEvidence(app, app.output());
    if (json) {
      ObjectNode n = Json.object();
      n.put("name", name);
      n.put("state", "running");
      n.put("url", "https://" + app.san() + ":" + app.port() + "/");
      n.put("certificate", app.certificateFile().toString());
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.println("running: https://" + app.san() + ":" + app.port() + "/");
    out.println("  certificate: " + app.certificateFile());
    out.println(
        "  try: curl --cacert "
            + app.certificateFile()
            + " --resolve "
            + app.san()
            + ":"
            + app.port()
            + ":127.0.0.1 https://"
            + app.san()
            + ":"
            + app.port()
            + "/");
    out.flush();
    return 0;
  }
}
