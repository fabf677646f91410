package dev.mse.cli.owner;

import dev.mse.cli.LogTail;
import dev.mse.cli.UserError;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.protocol.config.MseToml;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The app of a project run on this machine as a plain JVM, without any TEE, the way the runtime
 * would start it (same environment variables), for {@code localtest}: build, start, wait for the
 * healthcheck, run the tests against it, stop.
 */
public final class LocalRun implements AutoCloseable {
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;
  private final Path work;

  private LocalRun(Process process, int port, Path log, Path work) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.work = work;
  }

  /**
   * Builds and starts the app of {@code toml}.
   *
   * @param secrets the secrets file the app finds at MSE_SECRETS_PATH
   * @param sealedSecrets the file it finds at MSE_SEALED_SECRETS_PATH
   * @param inheritOutput show the app's output here (else it goes to a log file)
   */
  public static LocalRun start(
      MseToml toml,
      Optional<Path> secrets,
      Optional<Path> sealedSecrets,
      boolean inheritOutput,
      PrintWriter notes) {
    Path code = AppBuilder.build(toml.directory(), toml, notes);
    int port = LoopbackPorts.free();
    try {
      Path work = Files.createTempDirectory("mse-localtest-");
      Path secretsDir = Files.createDirectories(work.resolve("secrets"));
      Path secretsFile = secretsDir.resolve("secrets.json");
      Path sealedFile = secretsDir.resolve("sealed_secrets.json");
      if (secrets.isPresent()) {
        Files.copy(secrets.get(), secretsFile, StandardCopyOption.REPLACE_EXISTING);
      }
      if (sealedSecrets.isPresent()) {
        Files.copy(sealedSecrets.get(), sealedFile, StandardCopyOption.REPLACE_EXISTING);
      }
      String classPath =
          code.resolve(AppPackager.MAIN_JAR) + File.pathSeparator + code.resolve("lib") + "/*";
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dserver.port=" + port,
                  "-cp",
                  classPath,
                  toml.javaApplication()
                      .orElseGet(
                          () ->
                              AppBuilder.mainClass(
                                  code.resolve(AppPackager.MAIN_JAR), AppPackager.MAIN_JAR)))
              .directory(work.toFile());
      pb.environment().put("PORT", Integer.toString(port));
      pb.environment().put("MSE_APP_PORT", Integer.toString(port));
      pb.environment().put("MSE_SECRETS_PATH", secretsFile.toString());
      pb.environment().put("MSE_SEALED_SECRETS_PATH", sealedFile.toString());
      pb.environment()
          .put("MSE_DATA_DIR", Files.createDirectories(work.resolve("data")).toString());
      Path log = work.resolve("app.log");
      pb.redirectErrorStream(true);
      if (inheritOutput) {
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
      } else {
        pb.redirectOutput(log.toFile());
      }
      LocalRun run = new LocalRun(pb.start(), port, log, work);
      run.awaitHealthy(toml.healthcheckEndpoint());
      return run;
    } catch (IOException e) {
      throw new UserError("cannot start the app: " + e.getMessage(), e);
    }
  }

  /**
   * What {@code localtest} does: starts the app, then runs {@code tests_cmd} against it with {@code
   * TEST_REMOTE_URL} set, or (with {@code noTests}) keeps it running until the process ends.
   *
   * @return the exit code for the command
   */
  public static int localtest(
      MseToml toml,
      Optional<Path> secrets,
      Optional<Path> sealedSecrets,
      boolean noTests,
      PrintWriter out)
      throws IOException, InterruptedException {
    try (LocalRun run = start(toml, secrets, sealedSecrets, noTests, out)) {
      out.println(toml.name() + " runs at " + run.url() + " (no TEE)");
      out.flush();
      if (noTests) {
        Runtime.getRuntime().addShutdownHook(new Thread(run::close));
        return run.process().waitFor() == 0 ? 0 : 1;
      }
      if (toml.testsCmd().isEmpty()) {
        out.println("no tests_cmd in mse.toml: nothing to test");
        out.flush();
        return 0;
      }
      ProcessBuilder pb =
          new ProcessBuilder("sh", "-c", toml.testsCmd().get())
              .directory(toml.directory().toFile())
              .inheritIO();
      pb.environment().put("TEST_REMOTE_URL", run.url());
      int code = pb.start().waitFor();
      if (code != 0) {
        out.println("tests failed (exit " + code + "); the app's output:");
        out.println(run.logTail());
      } else {
        out.println("tests passed");
      }
      out.flush();
      return code == 0 ? 0 : 1;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Process process() {
    return process;
  }

  private void awaitHealthy(String healthcheck) {
    Instant deadline = Instant.now().plus(HEALTH_TIMEOUT);
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new UserError(
              "the app stopped (exit " + process.exitValue() + "):\n" + LogTail.of(log, 20));
        }
        try {
          HttpResponse<Void> r =
              http.send(
                  HttpRequest.newBuilder(URI.create(url() + healthcheck))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // Not listening yet.
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", e);
    }
    close();
    throw new UserError(
        "the app did not answer " + healthcheck + " within " + HEALTH_TIMEOUT.toSeconds() + " s");
  }

  /** The end of the app's output (when not shown live). */
  public String logTail() {
    return LogTail.of(log, 30);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      AppBuilder.deleteTree(work);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
