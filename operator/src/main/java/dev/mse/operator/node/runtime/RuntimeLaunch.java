package dev.mse.operator.node.runtime;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One start of the mse runtime as an operating-system process of its own: detached (its own session
 * when {@code setsid} exists), output appended to {@code logFile}. The command line and environment
 * hold only paths and ports: the code key reaches the runtime sealed, over TLS. Used by {@code mse
 * home spawn} and by the operator's local node provider, so both start runtimes the same way.
 *
 * @param runtimeDir the runtime distribution ({@value #LAUNCHER_JAR}, {@value #RUNTIME_JAR} and
 *     {@code lib/})
 * @param configFile the deployment config
 * @param packageFile the encrypted package
 * @param host where both ports listen (the runtime's enclave port and the app's own TLS port)
 * @param port the enclave port: the runtime's TLS server (status, evidence, provisioning)
 * @param appPort the app port: the app serves its own TLS there, inside the TEE
 * @param stateDir the sealed state
 * @param secretsDir the tmpfs directory for the app's secrets files and its TLS identity ({@code
 *     tls/cert.pem}, {@code tls/key.pem}, written by the runtime before the app starts)
 * @param dataDir {@code MSE_DATA_DIR}
 * @param tee simulation, gramine-sgx or tsm
 * @param sizeMb the enclave size, which sizes the JVM
 * @param provisioningTimeoutMinutes how long the runtime waits for its owner
 * @param workDir the process's working directory
 * @param logFile where its output goes
 * @param frontConnectionsPerSource connections one source address may hold open at the enclave port
 *     (0: the runtime's default; a runtime without such a limit ignores it). Behind the operator's
 *     SNI proxy every connection comes from the proxy's one address, and the proxy limits each
 *     client itself, so the share per source must be the proxy's share per app: otherwise one
 *     client's connections through the proxy would fill the port for everyone. The app port is the
 *     app's own server: the runtime limits nothing there.
 * @param pccs the PCCS (or Intel PCS) the runtime gets its own quotes' collateral from ({@code
 *     --pccs}); without one a simulated runtime issues its own, a hardware one embeds none
 */
public record RuntimeLaunch(
    Path runtimeDir,
    Path configFile,
    Path packageFile,
    String host,
    int port,
    int appPort,
    Path stateDir,
    Path secretsDir,
    Path dataDir,
    String tee,
    int sizeMb,
    long provisioningTimeoutMinutes,
    Path workDir,
    Path logFile,
    int frontConnectionsPerSource,
    Optional<URI> pccs) {

  /** A launch without a PCCS. */
  public RuntimeLaunch(
      Path runtimeDir,
      Path configFile,
      Path packageFile,
      String host,
      int port,
      int appPort,
      Path stateDir,
      Path secretsDir,
      Path dataDir,
      String tee,
      int sizeMb,
      long provisioningTimeoutMinutes,
      Path workDir,
      Path logFile,
      int frontConnectionsPerSource) {
    this(
        runtimeDir,
        configFile,
        packageFile,
        host,
        port,
        appPort,
        stateDir,
        secretsDir,
        dataDir,
        tee,
        sizeMb,
        provisioningTimeoutMinutes,
        workDir,
        logFile,
        frontConnectionsPerSource,
        Optional.empty());
  }

  /** The same launch, with the runtime getting its collateral from {@code pccs}. */
  public RuntimeLaunch withPccs(Optional<URI> url) {
    return new RuntimeLaunch(
        runtimeDir,
        configFile,
        packageFile,
        host,
        port,
        appPort,
        stateDir,
        secretsDir,
        dataDir,
        tee,
        sizeMb,
        provisioningTimeoutMinutes,
        workDir,
        logFile,
        frontConnectionsPerSource,
        url);
  }

  /** The runtime jar, at the top of the distribution. */
  public static final String RUNTIME_JAR = "mse-enclave.jar";

  /**
   * The jar the JVM starts, at the top of the distribution: the one class on the class path, which
   * loads the runtime from {@value #RUNTIME_JAR} in a class loader of its own.
   */
  public static final String LAUNCHER_JAR = "mse-enclave-launcher.jar";

  /** The directory beside the runtime's distribution that holds its ahead-of-time cache. */
  public static final String AOT_DIR = "runtime-aot";

  /** The runtime's ahead-of-time cache, in {@link #AOT_DIR}. */
  public static final String AOT_CACHE = "runtime.aot";

  /** The runtime's JVM options file, at the top of the distribution ({@code java @file}). */
  public static final String JVM_ARGS = "jvm.args";

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  /** The full command line, unconfined. */
  public List<String> command() {
    return command(Optional.empty());
  }

  /** The full command line. */
  public List<String> command(Optional<Confinement> confinement) {
    List<String> command = new ArrayList<>(sessionPrefix());
    confinement.ifPresent(c -> command.addAll(c.prefix()));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(RuntimeMemory.jvmOptions(sizeMb));
    confinement.ifPresent(c -> command.addAll(c.jvmOptions()));
    tsmRoot()
        .filter(root -> tee.equals("tsm"))
        .ifPresent(root -> command.add("-Dmse.tsm.root=" + root));
    if (frontConnectionsPerSource > 0) {
      command.add("-Dmse.front.connectionsPerSource=" + frontConnectionsPerSource);
    }
    // The runtime's ahead-of-time cache, made at build time by a training run without any app,
    // only read (never written: a cache a runtime wrote could capture app classes). Under Gramine
    // the measured manifest fixes the JVM's command line instead.
    Path aot = runtimeDir.resolveSibling(AOT_DIR).resolve(AOT_CACHE);
    if (!tee.equals("gramine-sgx") && Files.isRegularFile(aot)) {
      command.add("-XX:AOTCache=" + aot);
    }
    // The runtime's own JVM options, from its distribution (measured with it).
    Path jvmArgs = runtimeDir.resolve(JVM_ARGS);
    if (Files.isRegularFile(jvmArgs)) {
      command.add("@" + jvmArgs);
    }
    command.add("-jar");
    command.add(runtimeDir.resolve(LAUNCHER_JAR).toString());
    command.addAll(
        List.of(
            "--config",
            configFile.toString(),
            "--package",
            packageFile.toString(),
            "--port",
            Integer.toString(port),
            "--app-port",
            Integer.toString(appPort),
            "--state-dir",
            stateDir.toString(),
            "--host",
            host,
            "--tee",
            tee,
            "--secrets-dir",
            secretsDir.toString(),
            "--provisioning-timeout",
            Long.toString(provisioningTimeoutMinutes)));
    pccs.ifPresent(url -> command.addAll(List.of("--pccs", url.toString())));
    return command;
  }

  /**
   * Starts the process.
   *
   * @param banner one line written to the log before the runtime's own output
   */
  public Process start(String banner) throws IOException {
    return start(banner, Optional.empty());
  }

  /**
   * Starts the process, confined: under its user, with only the variables it needs. The log file is
   * opened here, so a runtime user writes it without being able to open it itself. A {@code
   * gramine-sgx} runtime is refused here: it starts inside Gramine ({@link #start(String, Optional,
   * GramineLaunch.Settings)}), never as a plain JVM.
   *
   * @param banner one line written to the log before the runtime's own output
   */
  public Process start(String banner, Optional<Confinement> confinement) throws IOException {
    if (tee.equals("gramine-sgx")) {
      throw new IOException(
          "a gramine-sgx runtime starts inside Gramine (gramine-sgx), never as a plain JVM");
    }
    return startCommand(command(confinement), banner, confinement);
  }

  /**
   * Starts the runtime the way its TEE needs: {@code gramine-sgx} after rendering and signing its
   * manifest into {@code gramineDir} ({@link GramineLaunch}), else a JVM.
   *
   * @param gramine the Gramine tools and signing key (for {@code gramine-sgx} only)
   * @param gramineDir where the manifest, signed manifest and SIGSTRUCT go
   * @param cores the CPUs the enclave's JVM sizes itself for (0: all it sees)
   */
  public Process start(
      String banner,
      Optional<Confinement> confinement,
      GramineLaunch.Settings gramine,
      Path gramineDir,
      int cores)
      throws IOException {
    if (!tee.equals("gramine-sgx")) {
      return start(banner, confinement);
    }
    GramineLaunch g = new GramineLaunch(this, gramine, gramineDir, cores);
    g.sign();
    return g.start(banner, confinement);
  }

  /** {@code setsid}, when there: the runtime gets a session of its own. */
  static List<String> sessionPrefix() {
    return Files.isExecutable(SETSID) ? List.of(SETSID.toString()) : List.of();
  }

  /** Starts {@code command} as this runtime's process (environment, log, directories). */
  Process startCommand(List<String> command, String banner, Optional<Confinement> confinement)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> env = builder.environment();
    if (confinement.isPresent()) {
      env.clear();
      env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.put("LANG", "C.UTF-8");
      env.put("HOME", confinement.get().home().toString());
      env.put("TMPDIR", confinement.get().tmpDir().toString());
    }
    env.put("PORT", Integer.toString(appPort));
    env.put("MSE_APP_PORT", Integer.toString(appPort));
    env.put("MSE_SECRETS_PATH", secretsDir.resolve("secrets.json").toString());
    env.put("MSE_SEALED_SECRETS_PATH", secretsDir.resolve("sealed_secrets.json").toString());
    env.put("MSE_DATA_DIR", dataDir.toString());
    env.put("MSE_TLS_CERTIFICATE", tlsCertificate().toString());
    env.put("MSE_TLS_KEY", tlsKey().toString());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Files.createDirectories(stateDir);
    Files.createDirectories(dataDir);
    Files.writeString(
        logFile,
        banner + " at " + Instant.now() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return builder.start();
  }

  /**
   * Another configfs-tsm report directory than the kernel's, for a {@code tsm} runtime: {@code
   * -Dmse.tsm.root} of this process, else {@code $MSE_TSM_ROOT} (a stand-in served by a simulated
   * signer, in tests and demos).
   */
  static Optional<String> tsmRoot() {
    return Optional.ofNullable(System.getProperty("mse.tsm.root"))
        .or(() -> Optional.ofNullable(System.getenv("MSE_TSM_ROOT")))
        .filter(root -> !root.isBlank());
  }

  /** The app's certificate chain (PEM, leaf first), on tmpfs: {@code MSE_TLS_CERTIFICATE}. */
  public Path tlsCertificate() {
    return secretsDir.resolve("tls").resolve("cert.pem");
  }

  /** The app's TLS private key (PKCS#8 PEM), on tmpfs: {@code MSE_TLS_KEY}. */
  public Path tlsKey() {
    return secretsDir.resolve("tls").resolve("key.pem");
  }

  /** True when {@code commandLine} is that of a runtime started with {@code configFile}. */
  public static boolean isRuntimeOf(String commandLine, Path configFile) {
    return isRuntime(commandLine) && commandLine.contains(configFile.toString());
  }

  /**
   * True when {@code commandLine} is that of a runtime JVM: started from its launcher, or from
   * {@value #RUNTIME_JAR} itself by an mse before the launcher (a runtime still running).
   */
  public static boolean isRuntime(String commandLine) {
    return commandLine.contains(LAUNCHER_JAR) || commandLine.contains(RUNTIME_JAR);
  }

  /** The process's command line, arguments separated by spaces. */
  public static String commandLine(ProcessHandle h) {
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
}
