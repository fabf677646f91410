package dev.mse.cli.home;

import dev.mse.cli.UserError;
import dev.mse.cli.quote.PccsOption;
import dev.mse.cli.runtime.RuntimeDistribution;
import dev.mse.operator.node.runtime.GramineLaunch;
import dev.mse.operator.node.runtime.ProcessStopper;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.protocol.runtime.Sigstruct;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    RuntimeLaunch launch = launch(app);
    String banner = "--- mse home: starting the runtime of " + app.name();
    try {
      // gramine-sgx: the manifest signed at spawn, so a restart keeps its MRENCLAVE (and with it
      // its sealed state) and needs no signing key
      Process process =
          app.tee().equals("gramine-sgx")
              ? gramine(app, launch, GramineLaunch.Settings.DEFAULTS)
                  .start(banner, Optional.empty())
              : launch.start(banner);
      Files.writeString(app.pidFile(), process.pid() + "\n", StandardCharsets.US_ASCII);
      return process;
    } catch (IOException e) {
      throw new UserError("cannot start the runtime: " + e.getMessage(), e);
    }
  }

  /**
   * For {@code gramine-sgx}: refuses, before anything is written, when Gramine's executables or the
   * signing key are missing.
   */
  static void checkGramine(Optional<Path> signerKey) {
    try {
      GramineLaunch.checkReady(settings(signerKey), true);
    } catch (IOException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /**
   * Renders the app's Gramine manifest into its directory and signs it with {@code signerKey}
   * ({@code gramine-manifest}, {@code gramine-sgx-sign}); returns the SIGSTRUCT.
   */
  static Sigstruct signForGramine(HomeApp app, Path signerKey) {
    try {
      return gramine(app, launch(app), settings(Optional.of(signerKey))).sign();
    } catch (IOException e) {
      throw new UserError("cannot sign the runtime for Gramine: " + e.getMessage(), e);
    }
  }

  /** MRENCLAVE and MRSIGNER of a gramine-sgx app, from the SIGSTRUCT signed at spawn. */
  static Optional<Sigstruct> gramineMeasurement(HomeApp app) {
    if (!app.tee().equals("gramine-sgx")) {
      return Optional.empty();
    }
    try {
      return Optional.of(gramine(app, launch(app), GramineLaunch.Settings.DEFAULTS).readSig());
    } catch (IOException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private static GramineLaunch.Settings settings(Optional<Path> signerKey) {
    GramineLaunch.Settings s = GramineLaunch.Settings.DEFAULTS;
    return signerKey.map(k -> s.withSignerKey(k.toAbsolutePath())).orElse(s);
  }

  /** The app's Gramine files are in its directory: mse-runtime.manifest, .manifest.sgx, .sig. */
  private static GramineLaunch gramine(
      HomeApp app, RuntimeLaunch launch, GramineLaunch.Settings settings) {
    return new GramineLaunch(launch, settings, app.output(), 0);
  }

  private static RuntimeLaunch launch(HomeApp app) {
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
    // The runtime fetches its own collateral from the PCCS named for it, if any.
    return launch.withPccs(app.pccs().or(PccsOption::fromEnvironment));
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
        .filter(
            h -> {
              String line = RuntimeLaunch.commandLine(h);
              return RuntimeLaunch.isRuntimeOf(line, app.configFile())
                  || GramineLaunch.isRuntimeOf(
                      line, app.output().resolve(GramineLaunch.APPLICATION));
            });
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
