package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import dev.mse.cli.owner.ProjectPackage;
import dev.mse.cli.owner.RemoteTests;
import dev.mse.protocol.config.MseToml;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home test NAME}: the code provider's tests against the running enclave. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Run the app's tests_cmd (mse.toml) against the app running in its enclave, as MSE's"
          + " 'mse home test': fresh evidence is fetched and verified first (and written to"
          + " DIR/evidence.json and DIR/ratls.pem); TEST_REMOTE_URL is https://<san>:<port>,"
          + " TEST_CA_CERT names the verified certificate, and Java tests resolve the san to this"
          + " machine (JDK_JAVA_OPTIONS points the JDK at a hosts file). Refused while the app"
          + " still waits for its provisioning. Role: SGX operator."
    })
final class TestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the app")
  String name;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "the app's mse.toml, with tests_cmd (default: ./mse.toml)")
  Path config;

  @Option(
      names = "--test",
      paramLabel = "DIR",
      description = "where tests_cmd runs (default: the directory of --config)")
  Path testDir;

  @Option(names = "--json", description = "print JSON (the tests' own output goes to stderr)")
  boolean json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    HomeApp app = AppRegistry.load(name);
    MseToml toml =
        ProjectPackage.readToml(
            (config != null ? config : Path.of(MseToml.FILE_NAME)).toAbsolutePath().normalize());
    String testsCmd =
        toml.testsCmd()
            .orElseThrow(() -> new UserError("mse.toml has no tests_cmd for " + toml.name()));
    NodeState state = NodeState.of(app);
    if (!state.state().equals("running")) {
      throw new UserError(
          "'"
              + name
              + "' is "
              + state.state()
              + state.failure().map(f -> " (" + f + ")").orElse("")
              + ", not running"
              + (state.state().equals("waiting")
                  ? ": provision it first ('mse home run " + name + " --sealed-secrets FILE')"
                  : ""));
    }
    // Fresh evidence over verified TLS: the certificate the tests trust is one the enclave has
    // just vouched for, not whatever an earlier command left on disk.
    LocalNode.collectEvidence(app, app.output());
    String host =
        app.host().equals("0.0.0.0") || app.host().equals("::") ? "127.0.0.1" : app.host();
    String url = "https://" + app.san() + (app.port() == 443 ? "" : ":" + app.port());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter notes = json ? spec.commandLine().getErr() : out;
    if (!json) {
      out.println("verified the enclave of " + name + " (app " + app.appId() + ")");
    }
    int code =
        RemoteTests.run(
            testsCmd,
            testDir != null ? testDir.toAbsolutePath() : toml.directory(),
            new RemoteTests.Target(url, app.san(), host, Optional.of(app.certificateFile())),
            app.output().resolve("hosts"),
            notes,
            json);
    if (json) {
      ObjectNode n = Json.object();
      n.put("name", name);
      n.put("app_id", app.appId().toString());
      n.put("url", url);
      n.put("passed", code == 0);
      out.println(Json.write(n));
      out.flush();
    }
    return code;
  }
}
