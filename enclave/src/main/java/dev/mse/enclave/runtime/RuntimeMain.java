package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.enclave.app.AppLauncher;
import dev.mse.enclave.front.TlsFront;
import dev.mse.enclave.tee.TeeBackend;
import dev.mse.enclave.tee.TeeBackends;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.runtime.RuntimeMeasurement;
import java.lang.instrument.Instrumentation;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * {@code java @jvm.args -jar <runtime>/mse-enclave-launcher.jar --config F --package F --port N
 * --app-port N --state-dir D [--host H] [--tee simulation|gramine-sgx|tsm] [--secrets-dir D]
 * [--provisioning-timeout MINUTES] [--pccs URL]}. Started by {@code mse home spawn} (and by the
 * operator's node provider) as its own process, with {@code PORT}, {@code MSE_APP_PORT}, {@code
 * MSE_SECRETS_PATH}, {@code MSE_SEALED_SECRETS_PATH} and {@code MSE_DATA_DIR} in its environment
 * for the app. Exits 1 with one line on bad arguments.
 */
public final class RuntimeMain {
  public static final String VERSION = "mse-runtime/0.1.0";

  private RuntimeMain() {}

  /**
   * Called by {@code RuntimeLauncher}, in the runtime's own class loader.
   *
   * @param appClassPath the JVM's, to add the app's jars to its application class loader
   */
  public static void main(String[] args, Instrumentation appClassPath) throws Exception {
    AppLauncher.useSystemClassLoader(appClassPath);
    Map<String, String> a;
    try {
      a = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("mse-runtime: " + e.getMessage());
      System.exit(1);
      return;
    }
    try {
      // On another core, while the config and the package are parsed and the TEE opened: the
      // distribution's digest (the simulated measurement), a TLS key pair for a first start (the
      // JDK's EC classes load and warm up there), then Jetty's objects for the enclave port. About
      // 0.2 s of start-up for the first two, as much again for the third (docs/benchmarks.md).
      String host = a.getOrDefault("host", "0.0.0.0");
      int port = Integer.parseInt(require(a, "port"));
      FutureTask<ByteString> measuring =
          new FutureTask<>(() -> RuntimeMeasurement.of(distribution()));
      FutureTask<KeyPair> tlsKey = new FutureTask<>(EnclaveRuntime::newTlsKey);
      FutureTask<TlsFront.Unstarted> enclavePort =
          new FutureTask<>(() -> TlsFront.prepare(host, port));
      Thread.ofPlatform()
          .name("mse-start")
          .start(
              () -> {
                measuring.run();
                tlsKey.run();
                enclavePort.run();
              });
      DeploymentConfig config =
          DeploymentConfig.parse(Files.readAllBytes(Path.of(require(a, "config"))));
      AppPackage appPackage = AppPackage.read(Files.readAllBytes(Path.of(require(a, "package"))));
      Path stateDir = Path.of(require(a, "state-dir"));
      String teeName = a.getOrDefault("tee", TeeBackends.detect());
      ByteString measurement = result(measuring);
      TeeBackend tee =
          TeeBackends.open(
              teeName, measurement, stateDir.resolve("simulation.key"), "mse-" + config.appId());
      RuntimeOptions options =
          new RuntimeOptions(
              host,
              port,
              Integer.parseInt(require(a, "app-port")),
              stateDir,
              Path.of(a.getOrDefault("secrets-dir", "/dev/shm/mse-" + config.appId())),
              VERSION,
              a.containsKey("provisioning-timeout")
                  ? Duration.ofMinutes(Long.parseLong(a.get("provisioning-timeout")))
                  : RuntimeOptions.DEFAULT_PROVISIONING_TIMEOUT,
              RuntimeOptions.DEFAULT_HEALTH_TIMEOUT,
              Optional.ofNullable(a.get("pccs")).map(URI::create));
      EnclaveRuntime runtime =
          EnclaveRuntime.start(
              options, tee, config, appPackage, () -> result(tlsKey), () -> result(enclavePort));
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      runtime.close();
                    } catch (Exception ignored) {
                      // Stopping anyway.
                    }
                    stopped.countDown();
                  }));
      stopped.await();
    } catch (Exception e) {
      System.err.println(
          "mse-runtime: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      System.exit(1);
    }
  }

  /** The directory holding the runtime's jars: what the measurement covers. */
  private static <T> T result(FutureTask<T> task) throws Exception {
    try {
      return task.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static Path distribution() throws Exception {
    Path location =
        Path.of(RuntimeMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return Files.isDirectory(location) ? location : location.getParent();
  }

  private static String require(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: --config F --package F --port N --app-port N --state-dir D [--host H] [--tee NAME] [--secrets-dir D] [--provisioning-timeout MINUTES] [--pccs URL]");
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }
}
