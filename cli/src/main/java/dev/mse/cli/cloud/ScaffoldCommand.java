package dev.mse.cli.cloud;

import dev.mse.cli.owner.AppNames;
import dev.mse.cli.owner.AppTemplate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code mse cloud scaffold NAME}. */
@Command(
    name = "scaffold",
    mixinStandardHelpOptions = true,
    description =
        "Create ./NAME: a Java web app that needs only the JDK, its smoke test, and an mse.toml"
            + " whose [cloud] table names the operator's default project and hardware.")
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

  @Override
  public Integer call() {
    AppNames.check(name);
    JsonNode defaults = ApiClient.loggedIn().defaults();
    Path dir = parent.resolve(name).toAbsolutePath().normalize();
    var files =
        AppTemplate.write(
            dir,
            name,
            Optional.of(defaults.path("project").asString("default")),
            Optional.of(defaults.path("hardware").asString()));
    PrintWriter out = spec.commandLine().getOut();
    out.println("created " + dir);
    files.keySet().forEach(f -> out.println("  " + f));
    out.println("next: cd " + dir + " && mse cloud localtest && mse cloud deploy");
    out.flush();
    return 0;
  }
}
