package dev.mse.bench;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.bench.WrkPairs.Ratios;
import dev.mse.bench.WrkPairs.Side;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.operator.node.runtime.RuntimeMemory;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.ProvisioningMessage;
import dev.mse.protocol.provisioning.ProvisioningSeal;
import dev.mse.protocol.provisioning.X25519KeyPair;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runtime against the same app standalone, with real processes on loopback (simulated TEE;
 * bench/run-runtime.sh builds everything and runs it). For each app (the JDK {@code HttpsServer}
 * app of bench/app/demo and the Spring Boot example):
 *
 * <ol>
 *   <li>runtime process start → {@code waiting} (RA-TLS served on the enclave port, verified by the
 *       owner's client), provisioning POST → the app serving HTTPS on the app port, and → {@code
 *       running}; the runtime's RSS with the app loaded. A first start is not counted (the bench's
 *       own client runs cold in it), then {@code ROUNDS} (default 5);
 *   <li>the same app standalone, {@code java -jar} with the same memory options, the same
 *       certificate and key files (copied from the last runtime) and the same system properties
 *       (read from that runtime with {@code jcmd}): process start → serving HTTPS, RSS;
 *   <li>wrk against the app inside the runtime and standalone, {@code WARMUP} rounds of each
 *       (default 3), then alternating in {@code PAIRS} pairs (default 3) at saturation and {@code
 *       PACED_PAIRS} pairs (default {@code PAIRS}) paced at about the same request rate on both
 *       sides ({@code PACE_MS}, default 3 ms between a response and the next request on each
 *       connection), with the CPU time each serving process spent per request;
 *   <li>for the JDK app (unless {@code PROXY=0}): the same through the operator's SNI proxy in
 *       passthrough ({@link ProxyBench}, its own JVM) against the app port directly.
 * </ol>
 *
 * <p>Usage: {@code RuntimeBench <runtime dir> <work dir> <JDK app dir> <Spring Boot app dir>}, each
 * app directory holding {@code app.jar} and, if it has any, its libraries under {@code lib/} (what
 * is deployed; standalone, {@code java -jar app.jar}); {@code APPS} (default {@code "jdk spring"})
 * chooses the apps, {@code SIZE_MB} (default 1024) the enclave size, which sizes both JVMs ({@link
 * RuntimeMemory}), {@code DURATION} wrk's runs (default 10s).
 */
public final class RuntimeBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  private static final int SIZE_MB = Integer.parseInt(env("SIZE_MB", "1024"));

  /** The start and provisioning rounds only, without the load pairs: before/after of start-up. */
  private static final boolean STARTS_ONLY = env("STARTS_ONLY", "0").equals("1");

  /** Every process started, for the shutdown hook: a failed run leaves nothing listening. */
  private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

  /**
   * An app to measure.
   *
   * @param key its directory name and what {@code APPS} names it by
   * @param code the directory to deploy: {@code app.jar} (which {@code java -jar} runs standalone),
   *     and its libraries under {@code lib/} if any
   * @param javaApplication its main class ({@code java_application} in mse.toml)
   * @param path what wrk loads
   */
  private record BenchApp(String key, Path code, String javaApplication, String path) {}

  /** A runtime started and provisioned, with its timings (ms). */
  private record Enclave(
      Process process,
      int port,
      int appPort,
      Path secretsDir,
      HttpClient client,
      long toWaitingMs,
      long waitingCpuMs,
      long toServingMs,
      long toRunningMs,
      long waitingRssMb) {}

  /** A standalone app started, with its start time (ms). */
  private record Standalone(Process process, int port, long toServingMs) {}

  private RuntimeBench() {}

  public static void main(String[] args) throws Exception {
    Path runtime = Path.of(args[0]).toAbsolutePath();
    Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
    List<BenchApp> all =
        List.of(
            new BenchApp("jdk", Path.of(args[2]).toAbsolutePath(), "demo.App", "/hello"),
            new BenchApp(
                "spring",
                Path.of(args[3]).toAbsolutePath(),
                "com.example.boot.HelloApplication",
                "/"));
    List<String> chosen = List.of(env("APPS", "jdk spring").trim().split("\\s+"));
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
    System.out.printf(
        Locale.ROOT,
        "enclave size %d MB: both JVMs get %s%n",
        SIZE_MB,
        String.join(" ", RuntimeMemory.jvmOptions(SIZE_MB)));
    List<String> summary = new ArrayList<>();
    for (BenchApp app : all) {
      if (chosen.contains(app.key())) {
        summary.addAll(bench(app, runtime, work.resolve(app.key())));
      }
    }
    System.out.println("== summary ==");
    summary.forEach(System.out::println);
  }

  /** Everything for one app; returns its summary lines. */
  private static List<String> bench(BenchApp app, Path runtime, Path dir) throws Exception {
    System.out.printf(Locale.ROOT, "== %s (%s, %s) ==%n", app.key(), app.code(), app.path());
    int rounds = Integer.parseInt(env("ROUNDS", "5"));

    // One start first, not counted: the bench's own verifying client runs cold in it (class
    // loading, interpreted code), which is not the runtime's time.
    Enclave enclave = startAndProvision(app, runtime, dir.resolve("runtime-first"));
    System.out.printf(
        Locale.ROOT,
        "  runtime, first start (not counted): start -> waiting %d ms, provision -> serving %d ms,"
            + " -> running %d ms%n",
        enclave.toWaitingMs(),
        enclave.toServingMs(),
        enclave.toRunningMs());
    List<Long> toWaiting = new ArrayList<>();
    List<Long> waitingCpu = new ArrayList<>();
    List<Long> toServing = new ArrayList<>();
    List<Long> toRunning = new ArrayList<>();
    List<Long> runtimeRss = new ArrayList<>();
    List<Long> waitingRss = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      stop(enclave.process());
      enclave = startAndProvision(app, runtime, dir.resolve("runtime-" + round));
      toWaiting.add(enclave.toWaitingMs());
      waitingCpu.add(enclave.waitingCpuMs());
      toServing.add(enclave.toServingMs());
      toRunning.add(enclave.toRunningMs());
      runtimeRss.add(rssMb(enclave.process().pid()));
      waitingRss.add(enclave.waitingRssMb());
      System.out.printf(
          Locale.ROOT,
          "  runtime start %d (load %s): start -> waiting %d ms (CPU %d ms), provision -> serving"
              + " %d ms, -> running %d ms, RSS waiting %d MB, with the app %d MB%n",
          round + 1,
          WrkPairs.loadAverage(),
          enclave.toWaitingMs(),
          enclave.waitingCpuMs(),
          enclave.toServingMs(),
          enclave.toRunningMs(),
          enclave.waitingRssMb(),
          runtimeRss.getLast());
    }

    // The standalone app gets what the last runtime gave its app: the same certificate and key
    // (copies) and the same system properties, with its own port.
    Path identity = copyIdentity(enclave.secretsDir(), dir.resolve("standalone-identity"));
    Map<String, String> properties = appProperties(enclave, identity);
    Standalone alone = startStandalone(app, dir.resolve("standalone-first"), properties, enclave);
    System.out.printf(
        Locale.ROOT,
        "  standalone, first start (not counted): start -> serving %d ms%n",
        alone.toServingMs());
    List<Long> standaloneStart = new ArrayList<>();
    List<Long> standaloneRss = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      stop(alone.process());
      alone = startStandalone(app, dir.resolve("standalone-" + round), properties, enclave);
      standaloneStart.add(alone.toServingMs());
      standaloneRss.add(rssMb(alone.process().pid()));
      System.out.printf(
          Locale.ROOT,
          "  standalone start %d (load %s): start -> serving %d ms, RSS %d MB%n",
          round + 1,
          WrkPairs.loadAverage(),
          alone.toServingMs(),
          standaloneRss.getLast());
    }

    String starts =
        String.format(
            Locale.ROOT,
            "%s: runtime start -> waiting median %.0f ms %s (CPU median %.0f ms); provision ->"
                + " serving median %.0f ms %s (-> running %.0f ms); standalone start -> serving"
                + " median %.0f ms %s;"
                + " provision -> serving minus standalone start %+.0f ms",
            app.key(),
            WrkPairs.median(toWaiting),
            toWaiting,
            WrkPairs.median(waitingCpu),
            WrkPairs.median(toServing),
            toServing,
            WrkPairs.median(toRunning),
            WrkPairs.median(standaloneStart),
            standaloneStart,
            WrkPairs.median(toServing) - WrkPairs.median(standaloneStart));
    if (STARTS_ONLY) {
      stop(alone.process());
      stop(enclave.process());
      return List.of(starts);
    }
    Side inRuntime =
        new Side(
            "runtime",
            "https://localhost:" + enclave.appPort() + app.path(),
            List.of(enclave.process().pid()));
    // BASELINE_RUNTIME: another runtime distribution (with its runtime-aot/ beside it) on the
    // other side instead of the standalone app, for a before/after of the runtime in one run.
    String baselineDir = env("BASELINE_RUNTIME", "");
    Optional<Enclave> baseline = Optional.empty();
    Side otherSide;
    if (baselineDir.isEmpty()) {
      otherSide =
          new Side(
              "standalone",
              "https://localhost:" + alone.port() + app.path(),
              List.of(alone.process().pid()));
    } else {
      Path baselineRuntime = Path.of(baselineDir).toAbsolutePath();
      Enclave b = startAndProvision(app, baselineRuntime, dir.resolve("baseline"));
      baseline = Optional.of(b);
      System.out.printf(
          Locale.ROOT,
          "  the other side: the runtime of %s, not the standalone app%n",
          baselineRuntime);
      otherSide =
          new Side(
              "baseline",
              "https://localhost:" + b.appPort() + app.path(),
              List.of(b.process().pid()));
    }
    int warmups = Integer.parseInt(env("WARMUP", "3"));
    int pairs = Integer.parseInt(env("PAIRS", "3"));
    int pacedPairs = Integer.parseInt(env("PACED_PAIRS", Integer.toString(pairs)));
    String pace = env("PACE_MS", "3");
    WrkPairs.warmUp(warmups, inRuntime, otherSide);
    Ratios saturated =
        WrkPairs.compare(app.key() + " saturated", pairs, null, inRuntime, otherSide);
    Ratios paced = WrkPairs.compare(app.key() + " paced", pacedPairs, pace, inRuntime, otherSide);
    long runtimeRssAfter = rssMb(enclave.process().pid());
    long standaloneRssAfter = rssMb(alone.process().pid());
    stop(alone.process());
    if (baseline.isPresent()) {
      stop(baseline.get().process());
    }

    List<String> summary = new ArrayList<>();
    summary.add(starts);
    summary.add(
        String.format(
            Locale.ROOT,
            "%s: RSS runtime waiting %.0f MB, with the app %.0f MB, after the load %d MB;"
                + " standalone %.0f MB, after the load %d MB",
            app.key(),
            WrkPairs.median(waitingRss),
            WrkPairs.median(runtimeRss),
            runtimeRssAfter,
            WrkPairs.median(standaloneRss),
            standaloneRssAfter));
    summary.add(
        ratios(
            app.key() + " runtime/" + (baseline.isPresent() ? "baseline" : "standalone"),
            saturated,
            paced,
            pace));
    if (app.key().equals("jdk") && !env("PROXY", "1").equals("0")) {
      summary.add(throughProxy(app, enclave, dir, warmups, pairs, pacedPairs, pace));
    }
    stop(enclave.process());
    return summary;
  }

  private static String ratios(String label, Ratios saturated, Ratios paced, String pace) {
    return String.format(
        Locale.ROOT,
        "%s: saturated throughput %.3f, p99 %.2f, p99.9 %.2f; paced (%s ms) p99 %.2f, p99.9 %.2f",
        label,
        saturated.throughput(),
        saturated.p99(),
        saturated.p999(),
        pace,
        paced.p99(),
        paced.p999());
  }

  /**
   * The app in the runtime through the operator's SNI proxy in passthrough ({@link ProxyBench}, in
   * its own JVM as in bench/proxy/run-proxy.sh, routing the SNI name {@code localhost}) against its
   * app port directly. The CPU per request of the proxied side counts the proxy and the runtime.
   */
  private static String throughProxy(
      BenchApp app, Enclave enclave, Path dir, int warmups, int pairs, int pacedPairs, String pace)
      throws Exception {
    int port = freePort();
    List<String> command = new ArrayList<>(sessionOfItsOwn());
    command.add(JAVA.toString());
    String extra = System.getenv("PROXY_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ProxyBench.class.getName(),
            Integer.toString(port),
            "localhost",
            Integer.toString(enclave.appPort())));
    Process proxy =
        started(
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("proxy.log").toFile())
                .start());
    awaitListening(port, proxy);
    System.out.printf(Locale.ROOT, "== %s through the SNI proxy (passthrough) ==%n", app.key());
    Side viaProxy =
        new Side(
            "via proxy",
            "https://localhost:" + port + app.path(),
            List.of(proxy.pid(), enclave.process().pid()));
    Side direct =
        new Side(
            "direct",
            "https://localhost:" + enclave.appPort() + app.path(),
            List.of(enclave.process().pid()));
    WrkPairs.warmUp(warmups, viaProxy, direct);
    Ratios saturated = WrkPairs.compare("proxy saturated", pairs, null, viaProxy, direct);
    Ratios paced = WrkPairs.compare("proxy paced", pacedPairs, pace, viaProxy, direct);
    stop(proxy);
    return ratios(app.key() + " proxy/direct", saturated, paced, pace);
  }

  private static Enclave startAndProvision(BenchApp app, Path runtime, Path dir) throws Exception {
    Files.createDirectories(dir);
    Path code = dir.resolve("code");
    // The app's jar at the package's root (its libraries under lib/), as `mse package` stages it.
    copyTree(app.code(), code);
    X25519KeyPair owner = X25519KeyPair.generate();
    PackageKey key = PackageKey.generate();
    AppPackage pkg =
        AppPackage.create(
            "bench",
            app.javaApplication(),
            Optional.of("app.jar"),
            "/health",
            CodeArchive.create(code),
            key);
    UUID appId = UUID.randomUUID();
    DeploymentConfig config =
        new DeploymentConfig(
            appId,
            "bench",
            app.javaApplication(),
            Optional.of("app.jar"),
            "/health",
            SslOrigin.SELF,
            "localhost",
            Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS),
            ByteString.of(owner.publicKey().toByteArray()),
            pkg.packageSha256(),
            Optional.empty(),
            AppTls.APP);
    Files.write(dir.resolve("package.tar"), pkg.toBytes());
    Files.write(dir.resolve("deployment.json"), config.toCanonicalJson());
    int port = freePort();
    int appPort = freePort();
    // Started as `mse home spawn` and the operator's local nodes start it (command line, CDS
    // archive, memory options, environment).
    RuntimeLaunch launch =
        new RuntimeLaunch(
            runtime,
            dir.resolve("deployment.json"),
            dir.resolve("package.tar"),
            "127.0.0.1",
            port,
            appPort,
            dir.resolve("state"),
            dir.resolve("secrets"),
            dir.resolve("data"),
            "simulation",
            SIZE_MB,
            10,
            dir,
            dir.resolve("runtime.log"),
            0);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(
                RaTlsSslContexts.client(
                    RaTlsTrustManager.builder(AppraisalPolicy.defaults().withAllowSimulation(true))
                        .options(
                            RaTlsOptions.none()
                                .withPackageSha256(pkg.packageSha256())
                                .withConfigSha256(config.sha256()))
                        .serverName("localhost")
                        .build()))
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    long t0 = System.nanoTime();
    Process p = started(launch.start("bench"));
    awaitState(client, port, "waiting", p);
    long toWaiting = (System.nanoTime() - t0) / 1_000_000;
    long waitingCpu = WrkPairs.cpuMs(List.of(p.pid()));
    if (STARTS_ONLY) {
      // Which threads took that CPU (main, mse-start, the JIT's, GC): what a start-up change moves.
      Map<String, Long> threads = WrkPairs.threadCpuMs(List.of(p.pid()));
      threads.values().removeIf(ms -> ms < 30);
      System.out.printf(Locale.ROOT, "    CPU at waiting by thread (ms): %s%n", threads);
    }
    long waitingRss = rssMb(p.pid());

    var evidence = JSON.readTree(get(client, port, "/.well-known/mse/evidence").body());
    AttestationClaims claims =
        AttestationClaims.decode(Base64.getDecoder().decode(evidence.get("claims").asString()));
    byte[] sealed =
        ProvisioningSeal.seal(
            new ProvisioningMessage(
                appId, key, Optional.empty(), Optional.empty(), Optional.empty()),
            owner,
            X25519PublicKey.of(claims.hpkePublicKey().toByteArray()),
            claims.configSha256());
    String body = "{\"sealed_message\":\"" + Base64.getEncoder().encodeToString(sealed) + "\"}";
    long t1 = System.nanoTime();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/.well-known/mse/provision"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("provisioning refused: " + r.body());
    }
    // Serving: the app answers its healthcheck over TLS with the enclave's certificate (the
    // client verifies it as it does the enclave port's). Running comes after, when the runtime's
    // own health watch has seen the same.
    awaitServing(client, appPort, p, dir.resolve("runtime.log"), port);
    long toServing = (System.nanoTime() - t1) / 1_000_000;
    awaitState(client, port, "running", p);
    long toRunning = (System.nanoTime() - t1) / 1_000_000;
    return new Enclave(
        p,
        port,
        appPort,
        dir.resolve("secrets"),
        client,
        toWaiting,
        waitingCpu,
        toServing,
        toRunning,
        waitingRss);
  }

  /**
   * {@code java -jar} the app, in a session of its own, with the runtime's memory options, the
   * given system properties and the environment the runtime's launcher sets; timed from process
   * start until it serves HTTPS.
   */
  private static Standalone startStandalone(
      BenchApp app, Path dir, Map<String, String> properties, Enclave enclave) throws Exception {
    Files.createDirectories(dir);
    int port = freePort();
    String appPort = Integer.toString(enclave.appPort());
    List<String> command = new ArrayList<>(sessionOfItsOwn());
    command.add(JAVA.toString());
    command.addAll(RuntimeMemory.jvmOptions(SIZE_MB));
    properties.forEach(
        (k, v) -> command.add("-D" + k + "=" + (v.equals(appPort) ? Integer.toString(port) : v)));
    command.addAll(List.of("-jar", app.code().resolve("app.jar").toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("PORT", Integer.toString(port));
    pb.environment().put("MSE_APP_PORT", Integer.toString(port));
    pb.environment().put("MSE_TLS_CERTIFICATE", properties.get("mse.tls.certificate"));
    pb.environment().put("MSE_TLS_KEY", properties.get("mse.tls.key"));
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("app.log").toFile());
    long t0 = System.nanoTime();
    Process p = started(pb.start());
    awaitServing(enclave.client(), port, p, dir.resolve("app.log"), 0);
    return new Standalone(p, port, (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * {@code setsid}, as {@link RuntimeLaunch} starts the runtime: every server measured runs in a
   * session of its own. With the kernel's autogroup scheduling (on here) each session is one
   * scheduling group sharing the CPU fairly with the others, so a server in the bench's session
   * (with wrk) and one in its own session are not scheduled alike: at load 20 the same standalone
   * app served 10 000-17 000 req/s from the bench's session and 4 000-7 500 from its own
   * (docs/benchmarks.md).
   */
  private static List<String> sessionOfItsOwn() {
    Path setsid = Path.of("/usr/bin/setsid");
    return Files.isExecutable(setsid) ? List.of(setsid.toString()) : List.of();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  /** Copies the app's certificate and key files the runtime wrote (0700 directory, 0600 files). */
  private static Path copyIdentity(Path secretsDir, Path to) throws IOException {
    Files.createDirectories(
        to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    for (String file : List.of("cert.pem", "key.pem")) {
      Path copy =
          Files.createFile(
              to.resolve(file),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(copy, Files.readAllBytes(secretsDir.resolve("tls").resolve(file)));
    }
    return to;
  }

  /**
   * The system properties the runtime set for its app (mse.tls.*, and Spring Boot's, Quarkus',
   * Helidon's and Micronaut's), read from the running runtime with {@code jcmd}, the paths of its
   * certificate and key files replaced by those of {@code identity}: exactly what the app got.
   */
  private static Map<String, String> appProperties(Enclave enclave, Path identity)
      throws Exception {
    Process jcmd =
        new ProcessBuilder(
                JAVA.resolveSibling("jcmd").toString(),
                Long.toString(enclave.process().pid()),
                "VM.system_properties")
            .redirectErrorStream(true)
            .start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (jcmd.waitFor() != 0) {
      throw new IllegalStateException("jcmd cannot read the runtime's properties:\n" + out);
    }
    Properties all = new Properties();
    // The first line is "<pid>:"; the rest is in the properties file format.
    all.load(new StringReader(out.substring(out.indexOf('\n') + 1)));
    String tls = enclave.secretsDir().resolve("tls").toString();
    Map<String, String> app = new TreeMap<>();
    for (String name : all.stringPropertyNames()) {
      if (name.startsWith("mse.tls.")
          || name.startsWith("server.")
          || name.startsWith("quarkus.")
          || name.startsWith("micronaut.")) {
        app.put(name, all.getProperty(name).replace(tls, identity.toString()));
      }
    }
    if (!app.containsKey("mse.tls.certificate") || !app.containsKey("mse.tls.key")) {
      throw new IllegalStateException("the runtime set no mse.tls.* properties: " + app.keySet());
    }
    System.out.printf(Locale.ROOT, "  standalone gets the app's properties: %s%n", app.keySet());
    return app;
  }

  /**
   * Polls the app's healthcheck over TLS until it answers 200; with {@code statusPort} not 0, stops
   * as soon as that runtime reports {@code failed}.
   */
  private static void awaitServing(HttpClient client, int port, Process p, Path log, int statusPort)
      throws Exception {
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
    for (int i = 0; i < 12_000; i++) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the process exited: see " + log);
      }
      try {
        if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (statusPort != 0 && i % 40 == 39) {
        var status = JSON.readTree(get(client, statusPort, "/.well-known/mse/status").body());
        if (status.path("state").asString("").equals("failed")) {
          throw new IllegalStateException("the runtime failed: " + status + ", see " + log);
        }
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the app did not serve on port " + port + ": see " + log);
  }

  private static void awaitState(HttpClient client, int port, String state, Process p)
      throws Exception {
    for (int i = 0; i < 12_000; i++) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the runtime exited");
      }
      try {
        String now =
            JSON.readTree(get(client, port, "/.well-known/mse/status").body())
                .get("state")
                .asString();
        if (now.equals(state)) {
          return;
        }
        if (now.equals("failed")) {
          throw new IllegalStateException("the runtime failed");
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("timed out waiting for " + state);
  }

  private static void awaitListening(int port, Process p) throws Exception {
    for (int i = 0; i < 400; i++) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the process for port " + port + " exited");
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(25);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port);
  }

  private static HttpResponse<String> get(HttpClient client, int port, String path)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Process started(Process p) {
    STARTED.add(p);
    return p;
  }

  private static long rssMb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
    STARTED.remove(p);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
