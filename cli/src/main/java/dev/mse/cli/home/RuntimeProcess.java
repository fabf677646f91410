package dev.mse.cli.home;

import dev.mse.cli.UserError;
import dev.mse.cli.runtime.RuntimeDistribution;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The runtime of a home app as an operating-system process of its own: started detached (its own
 * session, output appended to {@code runtime.log}, pid in {@code runtime.pid}), found again by pid
 * and command line, stopped with SIGTERM and, after five seconds, SIGKILL. The command line and
 * environment hold only paths and ports: the code key reaches the runtime sealed, over TLS.
 */
final class RuntimeProcess {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final long STOP_GRACE_SECONDS = 5;

  private RuntimeProcess() {}

  /** Starts the runtime of {@code app}; returns its process. */
  static Process start(HomeApp app) {
    RuntimeDistribution distribution = RuntimeDistribution.at(app.runtime(), "the app's record");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The runtime and the app share one JVM: a quarter of the enclave size for the heap, capped
    // code cache and direct buffers, so the process stays well inside the enclave's memory.
    command.addAll(RuntimeMemory.jvmOptions(app.sizeMb()));
    // The runtime's class-data sharing archive, made at build time by a training run without any
    // app, mapped read-only (never written: an archive a runtime wrote could capture app classes).
    // Under Gramine the measured manifest fixes the JVM's command line instead.
    Path cds = distribution.directory().resolveSibling("runtime-cds").resolve("runtime.jsa");
    if (!app.tee().equals("gramine-sgx") && Files.isRegularFile(cds)) {
      command.add("-XX:SharedArchiveFile=" + cds);
    }
    command.add("-cp");
    command.add(distribution.classPath());
    command.add(RuntimeDistribution.MAIN_CLASS);
    command.addAll(
        List.of(
            "--config",
            app.configFile().toString(),
            "--package",
            app.packageFile().toString(),
            "--port",
            Integer.toString(app.port()),
            "--app-port",
            Integer.toString(app.appPort()),
            "--state-dir",
            app.stateDir().toString(),
            "--host",
            app.host(),
            "--tee",
            app.tee(),
            "--secrets-dir",
            app.secretsDir().toString(),
            "--provisioning-timeout",
            Long.toString(app.provisioningTimeoutMinutes())));
    ProcessBuilder builder = new ProcessBuilder(command).directory(app.output().toFile());
    Map<String, String> env = builder.environment();
    env.put("PORT", Integer.toString(app.appPort()));
    env.put("MSE_APP_PORT", Integer.toString(app.appPort()));
    env.put("MSE_SECRETS_PATH", app.secretsDir().resolve("secrets.json").toString());
    env.put("MSE_SEALED_SECRETS_PATH", app.secretsDir().resolve("sealed_secrets.json").toString());
    env.put("MSE_DATA_DIR", app.dataDir().toString());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(app.logFile().toFile()));
    try {
      Files.createDirectories(app.stateDir());
      Files.createDirectories(app.dataDir());
      Files.writeString(
          app.logFile(),
          "--- mse home: starting the runtime of " + app.name() + " at " + Instant.now() + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      Process process = builder.start();
      Files.writeString(app.pidFile(), process.pid() + "\n", StandardCharsets.US_ASCII);
      return process;
    } catch (IOException e) {
      throw new UserError("cannot start the runtime: " + e.getMessage(), e);
    }
  }

  /** The running runtime of {@code app}, if its recorded pid is alive and is that runtime. */
  static Optional<ProcessHandle> find(HomeApp app) {
    long pid;
    try {
      if (!Files.exists(app.pidFile())) {
        return Optional.empty();
      }
      pid = Long.parseLong(Files.readString(app.pidFile(), StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> commandLine(h).contains(RuntimeDistribution.MAIN_CLASS))
        .filter(h -> commandLine(h).contains(app.configFile().toString()));
  }

  /** The process's command line, arguments separated by spaces. */
  static String commandLine(ProcessHandle h) {
    Path proc = Path.of("/proc", Long.toString(h.pid()), "cmdline");
    try {
      if (Files.isReadable(proc)) {
        return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
      }
    } catch (IOException e) {
      // Falls back to what the JDK knows.
    }
    return h.info().commandLine().orElse("");
  }

  /** Stops the runtime: SIGTERM, then SIGKILL after five seconds. Returns false if none ran. */
  static boolean stop(HomeApp app) {
    Optional<ProcessHandle> found = find(app);
    if (found.isEmpty()) {
      return false;
    }
    ProcessHandle h = found.get();
    h.destroy();
    if (!awaitExit(h, STOP_GRACE_SECONDS)) {
      h.destroyForcibly();
      if (!awaitExit(h, STOP_GRACE_SECONDS)) {
        throw new UserError(
            "the runtime of '" + app.name() + "' (pid " + h.pid() + ") does not stop");
      }
    }
    return true;
  }

  private static boolean awaitExit(ProcessHandle h, long seconds) {
    try {
      h.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while stopping the runtime", e);
    }
  }
}
