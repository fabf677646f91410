package dev.mse.cli.owner;

import dev.mse.attestation.ratls.AppTls;
import dev.mse.cli.LogTail;
import dev.mse.cli.UserError;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.protocol.config.MseToml;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import javax.net.ssl.SSLException;

/**
 * The app of a project run on this machine as a plain JVM, without any TEE, the way the runtime
 * would start it (same environment variables, and a TLS identity handed over the same way: a fresh
 * self-signed certificate instead of the enclave's), for {@code localtest}: build, start, wait for
 * the healthcheck over HTTPS trusting only that certificate, run the tests against it, stop.
 */
public final class LocalRun implements AutoCloseable {
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);
  private static final String HOST = "127.0.0.1";

  private final Process process;
  private final int port;
  private final Path log;
  private final Path work;

  /**
   * The app's TLS identity; empty when the runtime would terminate TLS ({@code tls = "runtime"}).
   */
  private final Optional<LocalTls> tls;

  private boolean closed;

  private LocalRun(Process process, int port, Path log, Path work, Optional<LocalTls> tls) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.work = work;
    this.tls = tls;
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
    return start(toml, AppTls.APP, secrets, sealedSecrets, inheritOutput, notes);
  }

  /**
   * As {@link #start(MseToml, Optional, Optional, boolean, PrintWriter)}, for the app's {@code tls}
   * mode: {@link AppTls#APP} gets a TLS identity and is called over HTTPS; {@link AppTls#RUNTIME}
   * (the runtime terminates TLS in the TEE) gets the runtime mode's settings and serves plain HTTP,
   * which is what the runtime forwards to it.
   */
  public static LocalRun start(
      MseToml toml,
      AppTls mode,
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
      // The app serves HTTPS with a TLS identity handed over as the runtime hands over the
      // enclave's: files in <secrets dir>/tls, named by system properties and the environment.
      Optional<LocalTls> tls =
          mode == AppTls.APP ? Optional.of(LocalTls.create(secretsDir)) : Optional.empty();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      Map<String, String> properties =
          tls.isPresent()
              ? tls.get().systemProperties(HOST, port)
              : LocalTls.runtimeModeProperties(HOST, port);
      properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
      command.addAll(launch(code, toml));
      ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
      pb.environment().put("PORT", Integer.toString(port));
      pb.environment().put("MSE_APP_PORT", Integer.toString(port));
      tls.ifPresent(t -> pb.environment().putAll(t.environment(port)));
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
      LocalRun run = new LocalRun(pb.start(), port, log, work, tls);
      run.awaitHealthy(toml.healthcheckEndpoint());
      return run;
    } catch (IOException e) {
      throw new UserError("cannot start the app: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new UserError("cannot make the app's TLS certificate: " + e.getMessage(), e);
    }
  }

  /**
   * How the JVM starts the staged code: a Quarkus fast-jar by its {@code quarkus-run.jar}, a Spring
   * Boot executable jar by its own launcher (its classes are under {@code BOOT-INF/}), anything
   * else by {@code java_application} on {@code app.jar} and {@code lib/*}.
   */
  static List<String> launch(Path code, MseToml toml) throws IOException {
    Path quarkus = code.resolve(AppBuilder.QUARKUS_MAIN_JAR);
    if (Files.isRegularFile(quarkus)) {
      return List.of("-jar", quarkus.toString());
    }
    Path main = code.resolve(AppPackager.MAIN_JAR);
    if (Files.isRegularFile(main)) {
      try (JarFile jar = new JarFile(main.toFile())) {
        if (jar.getEntry("BOOT-INF/classes/") != null || jar.getEntry("BOOT-INF/lib/") != null) {
          return List.of("-jar", main.toString());
        }
      }
    }
    String classPath = main + File.pathSeparator + code.resolve("lib") + "/*";
    return List.of(
        "-cp",
        classPath,
        toml.javaApplication().orElseGet(() -> AppBuilder.mainClass(main, AppPackager.MAIN_JAR)));
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
    return localtest(toml, AppTls.APP, secrets, sealedSecrets, noTests, out);
  }

  /** As {@link #localtest(MseToml, Optional, Optional, boolean, PrintWriter)}, in {@code mode}. */
  public static int localtest(
      MseToml toml,
      AppTls mode,
      Optional<Path> secrets,
      Optional<Path> sealedSecrets,
      boolean noTests,
      PrintWriter out)
      throws IOException, InterruptedException {
    return localtest(toml, mode, secrets, sealedSecrets, noTests, toml.directory(), out, false);
  }

  /**
   * As above, running {@code tests_cmd} in {@code testsDir}; with {@code testsOutputToStderr} the
   * tests' standard output goes to this process's standard error (for {@code --json}).
   */
  public static int localtest(
      MseToml toml,
      AppTls mode,
      Optional<Path> secrets,
      Optional<Path> sealedSecrets,
      boolean noTests,
      Path testsDir,
      PrintWriter out,
      boolean testsOutputToStderr)
      throws IOException, InterruptedException {
    try (LocalRun run = start(toml, mode, secrets, sealedSecrets, noTests, out)) {
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
              .directory(testsDir.toFile())
              .inheritIO();
      if (testsOutputToStderr) {
        // Appended, not truncated: stderr may be a log file.
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("/dev/stderr")));
      }
      pb.environment().put("TEST_REMOTE_URL", run.url());
      // The tests trust the app's certificate and nothing else, as after 'mse home verify'.
      run.certificate().ifPresent(c -> pb.environment().put("TEST_CA_CERT", c.toString()));
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
    return (tls.isPresent() ? "https://" : "http://") + HOST + ":" + port;
  }

  /** The certificate the app serves (PEM), which its clients trust; empty in the runtime mode. */
  public Optional<Path> certificate() {
    return tls.map(LocalTls::certificate);
  }

  public Process process() {
    return process;
  }

  private void awaitHealthy(String healthcheck) {
    Instant deadline = Instant.now().plus(HEALTH_TIMEOUT);
    String last = "no answer";
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (tls.isPresent()) {
      try {
        builder.sslContext(tls.get().trustingOnlyIt());
      } catch (IOException | GeneralSecurityException e) {
        close();
        throw new UserError("cannot read the app's TLS certificate: " + e.getMessage(), e);
      }
    }
    try (HttpClient http = builder.build()) {
      int tlsFailures = 0;
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
          last = "status " + r.statusCode();
          tlsFailures = 0;
        } catch (SSLException e) {
          // Something listens on the port but does not serve TLS with the certificate it was
          // given (plain HTTP, or another certificate): that does not heal, so say so now. A few
          // tries in a row, in case the port was briefly someone else's.
          if (++tlsFailures >= 3) {
            close();
            throw new UserError(
                "the app does not serve HTTPS with the certificate it was given on port "
                    + port
                    + " ("
                    + e.getMessage()
                    + "): use MseTls, or a framework that reads its TLS from the runtime's"
                    + " properties (see the README's framework table)",
                e);
          }
        } catch (HttpConnectTimeoutException e) {
          // The port took the connection but no TLS handshake completed: an app still starting,
          // or one that serves plain HTTP and waits for a request line that never comes.
          last =
              "port "
                  + port
                  + " accepts connections but completes no TLS handshake: does the app serve"
                  + " HTTPS (MseTls, or a framework that reads the runtime's TLS properties)?";
          tlsFailures = 0;
        } catch (IOException e) {
          // Not listening yet.
          last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          tlsFailures = 0;
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", e);
    }
    close();
    throw new UserError(
        "the app did not answer "
            + url()
            + healthcheck
            + " within "
            + HEALTH_TIMEOUT.toSeconds()
            + " s (last: "
            + last
            + ")");
  }

  /** The end of the app's output (when not shown live). */
  public String logTail() {
    return LogTail.of(log, 30);
  }

  @Override
  public synchronized void close() {
    // Twice with --no-tests: from the shutdown hook on Ctrl-C, then as the command returns.
    if (closed) {
      return;
    }
    closed = true;
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      AppBuilder.deleteTree(work);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is harmless (its key is a throwaway for this run).
    }
  }
}
