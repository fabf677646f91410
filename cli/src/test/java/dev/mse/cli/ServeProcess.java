package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.node.runtime.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code mse operator serve} in a JVM of its own (the test's class path, simulated TEE, the runtime
 * from {@code enclave/target/runtime}), its output in {@code work/serve-N.log}.
 */
public record ServeProcess(Process process, int apiPort, Path log) {
  private static final Path RUNTIME =
      Path.of("..", "enclave", "target", "runtime").toAbsolutePath();
  private static final Duration READY = Duration.ofSeconds(90);

  /**
   * Starts it on free ports. A free port is only free when it is picked: another process (an
   * outgoing connection, a runtime) may take it before {@code serve} binds it, so a start that
   * failed for a busy port is tried again on other ports.
   */
  public static ServeProcess start(Path work, Path data, Optional<String> databaseUrl, int n)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(work, data, databaseUrl, n);
      } catch (PortBusy e) {
        if (attempt == 3) {
          throw new AssertionError(e.getMessage());
        }
      }
    }
  }

  /** The process exited because a port it was given was taken meanwhile. */
  private static final class PortBusy extends Exception {
    PortBusy(String log) {
      super("mse operator serve exited: " + log);
    }
  }

  private static ServeProcess startOnce(Path work, Path data, Optional<String> databaseUrl, int n)
      throws Exception {
    int apiPort = LoopbackPorts.free();
    Path log = work.resolve("serve-" + n + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.mse.cli.Main",
                "operator",
                "serve",
                "--data",
                data.toString(),
                "--runtime",
                RUNTIME.toString(),
                "--tee",
                "simulation",
                "--api-port",
                Integer.toString(apiPort),
                "--proxy-port",
                Integer.toString(LoopbackPorts.free())));
    databaseUrl.ifPresent(url -> command.addAll(List.of("--database-url", url)));
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServeProcess serve = new ServeProcess(p, apiPort, log);
    serve.awaitReady();
    return serve;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(READY);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        String output = Files.readString(log);
        if (output.contains("mse: a port is busy")) {
          throw new PortBusy(output);
        }
        throw new AssertionError("mse operator serve exited: " + output);
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/defaults")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("mse operator serve is not ready: " + Files.readString(log));
  }

  /** SIGKILL: no shutdown hook, nothing flushed or closed. */
  public void kill() throws Exception {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** As Ctrl-C. */
  public void stop() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
