package dev.mse.cli.home;

import dev.mse.cli.UserError;
import dev.mse.cli.quote.PccsOption;
import dev.mse.cli.runtime.RuntimeDistribution;
import dev.mse.operator.node.runtime.ProcessStopper;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

/**
 * The runtime of a home app as an operating-system process of its own: started detached (its own
 * session, output appended to {@code runtime.log}, pid in {@code runtime.pid}), found again by pid
 * and command line, stopped with SIGTERM and, after five seconds, SIGKILL. The command line and
 * environment hold only paths and ports: the code key reaches the runtime sealed, over TLS.
 */
final class RuntimeProcess {
  private RuntimeProcess() {}

  /** Starts the runtime of {@code app}; returns its process. */
  static Process start(HomeApp app) {
    RuntimeDistribution distribution = RuntimeDistribution.at(app.runtime(), "the app's record");
    RuntimeLaunch launch =
        new RuntimeLaunch(
            distribution.directory(),
            app.configFile(),
            app.packageFile(),
            app.host(),
            // the runtime's --port is its own (enclave) port, --app-port the app's
            app.enclavePort(),
            app.port(),
            app.stateDir(),
            app.secretsDir(),
            app.dataDir(),
            app.tee(),
            app.sizeMb(),
            app.provisioningTimeoutMinutes(),
            app.output(),
            app.logFile(),
            0);
    // The runtime fetches its own collateral from the PCCS named for this machine, if any.
    launch = launch.withPccs(PccsOption.fromEnvironment());
    try {
      Process process = launch.start("--- mse home: starting the runtime of " + app.name());
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
        .filter(h -> RuntimeLaunch.isRuntimeOf(RuntimeLaunch.commandLine(h), app.configFile()));
  }

  /** Stops the runtime: SIGTERM, then SIGKILL after five seconds. Returns false if none ran. */
  static boolean stop(HomeApp app) {
    Optional<ProcessHandle> found = find(app);
    if (found.isEmpty()) {
      return false;
    }
    ProcessHandle h = found.get();
    try {
      if (!ProcessStopper.stop(h)) {
        throw new UserError(
            "the runtime of '" + app.name() + "' (pid " + h.pid() + ") does not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while stopping the runtime", e);
    }
    return true;
  }
}
