package dev.mse.cli.cloud;

import dev.mse.cli.UserError;
import dev.mse.cli.owner.AppNames;
import dev.mse.protocol.config.MseToml;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code mse cloud init}: write ./mse.toml by asking, with the operator's defaults. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Write ./mse.toml for an existing app, asking for each field (Enter: default).")
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path file = Path.of(MseToml.FILE_NAME).toAbsolutePath();
    if (Files.exists(file)) {
      throw new UserError(file + " exists already");
    }
    JsonNode defaults = ApiClient.loggedIn().defaults();
    PrintWriter out = spec.commandLine().getOut();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String name = AppNames.check(ask(in, out, "App name", Optional.empty()));
    String project = ask(in, out, "Project", Optional.of(defaults.path("project").asString()));
    String hardware = ask(in, out, "Hardware", Optional.of(defaults.path("hardware").asString()));
    String main = ask(in, out, "Java main class", Optional.of("com.example.App"));
    String health = ask(in, out, "Health check endpoint", Optional.of(MseToml.DEFAULT_HEALTHCHECK));
    String tests = ask(in, out, "Tests command", Optional.of("java tests/SmokeTest.java"));
    String secrets = ask(in, out, "Secrets file (empty: none)", Optional.of(""));
    Path dir = file.getParent();
    MseToml toml =
        new MseToml(
            dir,
            name,
            main,
            Optional.empty(),
            health,
            tests.isEmpty() ? Optional.empty() : Optional.of(tests),
            Optional.of(
                new MseToml.Cloud(
                    dir,
                    Optional.empty(),
                    project,
                    Optional.of(hardware),
                    Optional.empty(),
                    secrets.isEmpty() ? Optional.empty() : Optional.of(dir.resolve(secrets)),
                    Optional.empty())));
    String text = toml.toToml();
    try {
      MseToml.parse(text, dir);
    } catch (dev.mse.protocol.config.ConfigException e) {
      throw new UserError("these answers do not make a valid mse.toml: " + e.getMessage(), e);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    out.println("wrote " + file);
    out.flush();
    return 0;
  }

  private static String ask(
      BufferedReader in, PrintWriter out, String question, Optional<String> fallback)
      throws IOException {
    out.print(
        question + fallback.filter(f -> !f.isEmpty()).map(f -> " [" + f + "]").orElse("") + ": ");
    out.flush();
    String line = in.readLine();
    String answer = line == null ? "" : line.strip();
    if (answer.isEmpty()) {
      if (fallback.isEmpty()) {
        throw new UserError(question + " is required");
      }
      return fallback.get();
    }
    return answer;
  }
}
