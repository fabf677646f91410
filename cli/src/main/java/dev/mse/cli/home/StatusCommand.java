package dev.mse.cli.home;

import dev.mse.cli.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mse home status NAME}. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Print the app's state (waiting, initializing, running, failed or stopped), TEE, port,"
          + " domain, app id, start and expiry. The state comes from the runtime over verified"
          + " TLS. Role: SGX operator."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the app")
  String name;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    HomeApp app = AppRegistry.load(name);
    NodeState state = NodeState.of(app);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(ListCommand.json(app, state)));
      out.flush();
      return 0;
    }
    out.println("name:        " + app.name());
    out.println(
        "state:       " + state.state() + state.failure().map(f -> " (" + f + ")").orElse(""));
    out.println(
        "tee:         " + app.tee() + (app.simulated() ? " (SIMULATED: not confidential)" : ""));
    out.println("port:        " + app.host() + ":" + app.port() + " (the app)");
    out.println("enclave:     " + app.host() + ":" + app.enclavePort() + " (the runtime)");
    out.println("san:         " + app.san());
    out.println("app id:      " + app.appId());
    out.println("enclave:     " + app.sizeMb() + " MB");
    out.println("started:     " + app.startedAt());
    out.println("expires:     " + app.expires());
    out.println("pid:         " + state.pid().map(String::valueOf).orElse("-"));
    out.println("directory:   " + app.output());
    out.flush();
    return 0;
  }
}
