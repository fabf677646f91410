package dev.mse.cli.home;

import dev.mse.cli.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home stop NAME [--remove]}. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the app's runtime (SIGTERM, then SIGKILL after 5 s) and delete its secrets files."
          + " 'mse home restart' starts it again from its sealed state. With --remove, also forget"
          + " the app and delete its sealed state: it cannot be restarted. Role: SGX operator."
    })
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the app")
  String name;

  @Option(names = "--remove", description = "forget the app and delete its state")
  boolean remove;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    HomeApp app = AppRegistry.load(name);
    boolean stopped = NodeFiles.stop(app);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      if (remove) {
        NodeFiles.remove(app);
      }
      ObjectNode n = Json.object();
      n.put("name", name);
      n.put("stopped", stopped);
      n.put("removed", remove);
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.println(stopped ? "stopped " + name : name + " was not running");
    if (remove) {
      NodeFiles.remove(app);
      out.println("removed " + name + " and its state in " + app.output());
    }
    out.flush();
    return 0;
  }
}
