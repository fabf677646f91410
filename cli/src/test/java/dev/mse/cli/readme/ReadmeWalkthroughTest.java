package dev.mse.cli.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's {@code mse home} and {@code mse cloud} walk-throughs, run as written: their commands
 * ({@link ReadmeWalkthrough}) as one bash script ({@code set -euo pipefail}) in an empty directory
 * holding an {@code ./mse} that runs this build's CLI (the test class path, the runtime of {@code
 * enclave/target/runtime}), with {@code HOME} in that directory, so {@code ~/.config/mse} is the
 * walk-through's own. A command that fails, a path that is wrong, fails the test with the script's
 * output. The cloud walk-through's operator is started here as README says (another terminal).
 */
class ReadmeWalkthroughTest {
  private static final Path README = Path.of("..", "README.md").toAbsolutePath().normalize();
  private static final Path RUNTIME =
      Path.of("..", "enclave", "target", "runtime").toAbsolutePath().normalize();
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(10);

  @TempDir Path dir;

  @Test
  void homeWalkthroughRunsAsWritten() throws Exception {
    List<String> commands = ReadmeWalkthrough.commands(readme(), "home");
    assertThat(String.join("\n", commands))
        .contains("mse home spawn", "mse home verify", "mse home seal", "mse home run", "curl");
    Path mse = launcher();
    try {
      String output = runScript(commands);
      assertThat(output).contains("Hello from hello, running in a TEE!");
    } finally {
      // A failed walk-through may leave its runtime running.
      run(List.of(mse.toString(), "home", "stop", "hello", "--remove"));
    }
  }

  @Test
  void cloudWalkthroughRunsAsWritten() throws Exception {
    List<String> commands = ReadmeWalkthrough.commands(readme(), "cloud");
    assertThat(String.join("\n", commands)).contains("mse cloud deploy", "mse cloud verify");
    Path mse = launcher();
    Path log = dir.resolve("operator.log");
    Process operator =
        builder(List.of(mse.toString(), "operator", "serve", "--data", "operator-data"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      awaitOperator(operator, log);
      String output = runScript(commands);
      assertThat(output).contains("Hello from hello");
    } finally {
      // The operator's nodes outlive it on purpose: stop them first.
      operator.descendants().forEach(ProcessHandle::destroy);
      operator.destroy();
      if (!operator.waitFor(30, TimeUnit.SECONDS)) {
        operator.destroyForcibly();
      }
      operator.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void takesOnlyTheMarkedBlocksCommands() {
    String readme =
        """
        ```sh
        ./mse outside
        ```
        <!-- walkthrough:x -->
        ```console
        $ ./mse one \\
            --two
        output line
        $ ./mse three   # comment
        ```
        prose ./mse not-a-command
        ```toml
        name = "no"
        ```
        ```sh
        ./mse four
        ```
        <!-- /walkthrough:x -->
        ```sh
        ./mse after
        ```
        """;
    assertThat(ReadmeWalkthrough.commands(readme, "x"))
        .containsExactly("./mse one \\\n    --two", "./mse three   # comment", "./mse four");
    assertThatThrownBy(() -> ReadmeWalkthrough.commands(readme, "y"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String readme() throws IOException {
    return Files.readString(README, StandardCharsets.UTF_8);
  }

  /** {@code ./mse} in the directory: this build's CLI, in a JVM of its own. */
  private Path launcher() throws IOException {
    Files.createDirectories(dir.resolve("home"));
    Path mse = dir.resolve("mse");
    Files.writeString(
        mse,
        "#!/bin/sh\nexec "
            + quote(Path.of(System.getProperty("java.home"), "bin", "java").toString())
            + " -XX:TieredStopAtLevel=1 -Duser.home=\"$HOME\" -cp "
            + quote(System.getProperty("java.class.path"))
            + " dev.mse.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(mse, PosixFilePermissions.fromString("rwxr-xr-x"));
    return mse;
  }

  private String runScript(List<String> commands) throws Exception {
    Path script = dir.resolve("walkthrough.sh");
    Files.writeString(script, "set -euxo pipefail\n" + String.join("\n", commands) + "\n");
    Path log = dir.resolve("walkthrough.log");
    Process p =
        builder(List.of("bash", script.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = p.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended)
        .as("the walk-through ended in %s; output:%n%s", SCRIPT_TIMEOUT, output)
        .isTrue();
    assertThat(p.exitValue()).as("the walk-through's exit code; output:%n%s", output).isZero();
    return output;
  }

  private void run(List<String> command) throws Exception {
    Process p =
        builder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("cleanup.log").toFile())
            .start();
    p.waitFor(60, TimeUnit.SECONDS);
  }

  private ProcessBuilder builder(List<String> command) {
    ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = b.environment();
    env.remove("MSE_CONF_PATH");
    env.put("HOME", dir.resolve("home").toString());
    env.put("MSE_RUNTIME_DIR", RUNTIME.toString());
    env.put(
        "PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
    b.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    return b;
  }

  private static void awaitOperator(Process operator, Path log) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      if (!operator.isAlive()) {
        throw new AssertionError("mse operator serve exited: " + Files.readString(log));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/api/v1/defaults")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("mse operator serve is not ready: " + Files.readString(log));
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
