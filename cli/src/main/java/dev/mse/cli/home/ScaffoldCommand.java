package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.owner.AppTemplate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home scaffold NAME}: a new app directory to start from. */
@Command(
    name = "scaffold",
    mixinStandardHelpOptions = true,
    description = {
      "Create ./NAME: a Java web app that needs only the JDK (GET /health, GET /, and the"
          + " /secrets and /sealed_secrets demo endpoints), its smoke test, mse.toml,"
          + " .mseignore, secrets.json and secrets_to_seal.json. Role: code provider."
    })
final class ScaffoldCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the app name (also its directory)")
  String name;

  @Option(
      names = "--output",
      defaultValue = ".",
      paramLabel = "DIR",
      description = "the directory to create NAME in (default: the current directory)")
  Path parent;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    AppRegistry.checkName(name);
    Path dir = parent.resolve(name).toAbsolutePath().normalize();
    var files = AppTemplate.write(dir, name);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode n = Json.object();
      n.put("created", dir.toString());
      files.keySet().forEach(f -> n.withArray("files").add(String.valueOf(f)));
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.println("created " + dir);
    files.keySet().forEach(f -> out.println("  " + f));
    out.println("next: mse home package --project " + dir + " --output " + dir.resolve("package"));
    out.flush();
    return 0;
  }
}
