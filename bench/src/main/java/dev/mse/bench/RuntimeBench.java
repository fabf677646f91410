package dev.mse.bench;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.node.runtime.RuntimeMemory;
import dev.mse.protocol.deploy.AppTls;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.ProvisioningMessage;
import dev.mse.protocol.provisioning.ProvisioningSeal;
import dev.mse.protocol.provisioning.X25519KeyPair;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runtime's start, provisioning, front throughput and memory, with real processes on loopback
 * (bench/run-runtime.sh runs it):
 *
 * <ol>
 *   <li>runtime process start → {@code waiting} (RA-TLS served, verified by the owner's client);
 *   <li>provisioning POST → {@code running} (decrypt, load from memory, app healthy);
 *   <li>wrk through the TLS front (Jetty TLS; HTTP/1.1 relayed to the app on loopback, or proxied
 *       with {@code RUNTIME_JAVA_OPTS=-Dmse.front.relay=false}) against the same app serving TLS
 *       itself (JDK HttpsServer) in its own JVM, same machine, same run, alternating in {@code
 *       PAIRS} pairs (default 3) at saturation, then in {@code PACED_PAIRS} pairs (default {@code
 *       PAIRS}) paced at the same request rate on both sides ({@code PACE_MS}, default 3, between a
 *       response and the next request on each connection), with the CPU time each serving process
 *       spent per request; {@code WRK_SCRIPT} replaces bench/wrk-runtime.lua (its {@code TAIL} line
 *       is then printed whole, for diagnosis);
 *   <li>the runtime's RSS with the app loaded and after the load.
 * </ol>
 *
 * Usage: {@code RuntimeBench <runtime dir> <app jar> <work dir> [rounds]}.
 */
public final class RuntimeBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The JVM memory options of a runtime in a 512 MB enclave; the direct app gets the same. */
  private static final List<String> MEMORY = RuntimeMemory.jvmOptions(512);

  private RuntimeBench() {}

  public static void main(String[] args) throws Exception {
    Path runtime = Path.of(args[0]);
    Path appJar = Path.of(args[1]);
    Path work = Files.createDirectories(Path.of(args[2]));
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;

    // One start first, not counted: the bench's own verifying client runs cold in it (class
    // loading, interpreted code), which is not the runtime's time. Printed apart.
    Run first = startAndProvision(runtime, appJar, work.resolve("first"));
    System.out.printf(
        Locale.ROOT,
        "first start, bench client cold (not counted): start -> waiting %d ms, provision ->"
            + " running %d ms%n",
        first.toWaitingMs,
        first.toRunningMs);
    List<Long> toWaiting = new ArrayList<>();
    List<Long> toRunning = new ArrayList<>();
    long rss = 0;
    Process last = first.process;
    int lastPort = 0;
    for (int round = 0; round < rounds; round++) {
      stop(last);
      Run run = startAndProvision(runtime, appJar, work.resolve("round-" + round));
      toWaiting.add(run.toWaitingMs);
      toRunning.add(run.toRunningMs);
      rss = rssKb(run.process.pid());
      last = run.process;
      lastPort = run.port;
    }
    System.out.printf(
        Locale.ROOT, "start -> waiting (ms): %s median %d%n", toWaiting, median(toWaiting));
    System.out.printf(
        Locale.ROOT, "provision -> running (ms): %s median %d%n", toRunning, median(toRunning));
    System.out.printf(Locale.ROOT, "runtime RSS with the app loaded: %d MB%n", rss / 1024);

    Process direct = startDirect(appJar, work);
    int directPort = DIRECT_PORT;
    awaitTls(directPort);
    if (!direct.isAlive()) {
      // Whatever answered on the port is not this run's app (one left over from another run?).
      throw new IllegalStateException("the direct app exited: is port " + DIRECT_PORT + " taken?");
    }
    // WARMUP rounds of each (default 3) bring both JVMs to their steady state (the runtime has
    // more code to compile: Jetty, the front, the app network); only the pairs after are measured.
    int warmups = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "3"));
    for (int w = 0; w < warmups; w++) {
      for (String url :
          List.of(
              "https://127.0.0.1:" + lastPort + "/hello",
              "https://127.0.0.1:" + directPort + "/hello")) {
        System.out.printf(Locale.ROOT, "warm-up %s: %.0f req/s%n", url, wrk(url, null).rps);
      }
    }
    // Front and direct alternate in pairs, so that load from elsewhere on the machine hits both
    // alike; the ratios are per pair and their medians are reported. First at saturation (wrk's
    // connections send as fast as answered: throughput), then paced at about the same request
    // rate on both sides, well below saturation (latency: at saturation a p99 measures mostly the
    // queue and the scheduler of a two-core machine, and the two sides run at different rates).
    int pairs = Integer.parseInt(System.getenv().getOrDefault("PAIRS", "3"));
    String front = "https://127.0.0.1:" + lastPort + "/hello";
    String directUrl = "https://127.0.0.1:" + directPort + "/hello";
    comparePairs("saturated", pairs, null, front, last, directUrl, direct);
    String pace = System.getenv().getOrDefault("PACE_MS", "3");
    int pacedPairs =
        Integer.parseInt(System.getenv().getOrDefault("PACED_PAIRS", String.valueOf(pairs)));
    comparePairs("paced", pacedPairs, pace, front, last, directUrl, direct);
    if (pairs + pacedPairs > 0) {
      System.out.printf(
          Locale.ROOT, "runtime RSS after the load: %d MB%n", rssKb(last.pid()) / 1024);
    }
    stop(last);
    stop(direct);
  }

  private record Run(Process process, int port, long toWaitingMs, long toRunningMs) {}

  /**
   * Runs {@code pairs} pairs of front and direct, wrk paced by {@code paceMs} when not null, and
   * prints each pair and the medians of their front-to-direct ratios.
   */
  private static void comparePairs(
      String label,
      int pairs,
      String paceMs,
      String frontUrl,
      Process runtime,
      String directUrl,
      Process direct)
      throws Exception {
    List<Double> throughput = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> p999 = new ArrayList<>();
    for (int pair = 0; pair < pairs; pair++) {
      String load = loadAverage();
      long cpu0 = cpuMs(runtime.pid());
      Wrk front = wrk(frontUrl, paceMs);
      long cpu1 = cpuMs(runtime.pid());
      long cpu2 = cpuMs(direct.pid());
      Wrk directTls = wrk(directUrl, paceMs);
      long cpu3 = cpuMs(direct.pid());
      throughput.add(front.rps / directTls.rps);
      p99.add(front.p99Ms / directTls.p99Ms);
      p999.add(front.p999Ms / directTls.p999Ms);
      // CPU time per request of the serving process: less sensitive to a busy machine than rates.
      System.out.printf(
          Locale.ROOT,
          "%s pair %d (load %s): front %.0f req/s p50/90/99/99.9 %s, %.1f µs CPU per request;"
              + " direct %.0f req/s p50/90/99/99.9 %s, %.1f µs; ratios %.2f, p99 %.2f, p99.9"
              + " %.2f%n",
          label,
          pair + 1,
          load,
          front.rps,
          front.percentiles(),
          (cpu1 - cpu0) * 1000.0 / (front.rps * 10),
          directTls.rps,
          directTls.percentiles(),
          (cpu3 - cpu2) * 1000.0 / (directTls.rps * 10),
          front.rps / directTls.rps,
          front.p99Ms / directTls.p99Ms,
          front.p999Ms / directTls.p999Ms);
    }
    if (pairs > 0) {
      System.out.printf(
          Locale.ROOT,
          "%s%s: median throughput ratio %.2f, median p99 ratio %.2f, median p99.9 ratio %.2f"
              + " (load now %s)%n",
          label,
          paceMs == null ? "" : " (" + paceMs + " ms between requests on average)",
          medianOf(throughput),
          medianOf(p99),
          medianOf(p999),
          loadAverage());
    }
  }

  private static final int DIRECT_PORT = 18443;

  private static Run startAndProvision(Path runtime, Path appJar, Path dir) throws Exception {
    Files.createDirectories(dir);
    Path code = Files.createDirectories(dir.resolve("code"));
    Files.copy(appJar, code.resolve("app.jar"));
    X25519KeyPair owner = X25519KeyPair.generate();
    PackageKey key = PackageKey.generate();
    AppPackage pkg =
        AppPackage.create(
            "bench", "demo.App", Optional.empty(), "/health", CodeArchive.create(code), key);
    UUID appId = UUID.randomUUID();
    DeploymentConfig config =
        new DeploymentConfig(
            appId,
            "bench",
            "demo.App",
            Optional.empty(),
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
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // What `mse home spawn --size 512` gives the runtime JVM.
    command.addAll(MEMORY);
    // The runtime's class-data sharing archive, made at build time; `mse home spawn` uses it too.
    Path cds = runtime.resolveSibling("runtime-cds").resolve("runtime.jsa");
    if (Files.isRegularFile(cds)) {
      command.add("-XX:SharedArchiveFile=" + cds);
    }
    // Extra JVM options for experiments.
    String extra = System.getenv("RUNTIME_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    Path jvmArgs = runtime.resolve("jvm.args");
    if (Files.isRegularFile(jvmArgs)) {
      command.add("@" + jvmArgs);
    }
    command.addAll(
        List.of(
            "-jar",
            runtime.resolve("mse-enclave.jar").toString(),
            "--config",
            dir.resolve("deployment.json").toString(),
            "--package",
            dir.resolve("package.tar").toString(),
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--app-port",
            Integer.toString(appPort),
            "--state-dir",
            dir.resolve("state").toString(),
            "--secrets-dir",
            dir.resolve("secrets").toString(),
            "--tee",
            "simulation"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PORT", Integer.toString(appPort));
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("runtime.log").toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    HttpClient client =
        HttpClient.newBuilder()
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
    awaitState(client, port, "waiting", p);
    long toWaiting = (System.nanoTime() - t0) / 1_000_000;

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
    long t1 = System.nanoTime();
    String body = "{\"sealed_message\":\"" + Base64.getEncoder().encodeToString(sealed) + "\"}";
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
    awaitState(client, port, "running", p);
    long toRunning = (System.nanoTime() - t1) / 1_000_000;
    return new Run(p, port, toWaiting, toRunning);
  }

  private static Process startDirect(Path appJar, Path work) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The same memory as the runtime's: the comparison isolates the front, not the heap size.
    command.addAll(MEMORY);
    // Extra JVM options for experiments (a profile of the direct side, say).
    String extra = System.getenv("DIRECT_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(
        List.of(
            "-Dserver.port=" + DIRECT_PORT,
            "-Ddirect.keystore=" + System.getProperty("direct.keystore"),
            "-jar",
            appJar.toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true).redirectOutput(work.resolve("direct.log").toFile());
    return pb.start();
  }

  private static void awaitTls(int port) throws Exception {
    for (int i = 0; i < 200; i++) {
      try (var s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("the direct TLS app did not start");
  }

  private static void awaitState(HttpClient client, int port, String state, Process p)
      throws Exception {
    for (int i = 0; i < 6000; i++) {
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

  private static HttpResponse<String> get(HttpClient client, int port, String path)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What wrk measured: requests per second and latency percentiles (ms). */
  private record Wrk(double rps, double p50Ms, double p90Ms, double p99Ms, double p999Ms) {
    String percentiles() {
      return String.format(Locale.ROOT, "%.2f/%.2f/%.2f/%.1f ms", p50Ms, p90Ms, p99Ms, p999Ms);
    }
  }

  /**
   * Ten seconds of wrk with 64 connections, paced when {@code paceMs} is not null, with the script
   * {@code WRK_SCRIPT} names (default bench/wrk-runtime.lua).
   */
  private static Wrk wrk(String url, String paceMs) throws Exception {
    String script = System.getenv("WRK_SCRIPT");
    ProcessBuilder wrk =
        new ProcessBuilder(
                "wrk",
                "-t2",
                "-c64",
                "-d10s",
                "--latency",
                "-s",
                script != null ? script : "bench/wrk-runtime.lua",
                url)
            .redirectErrorStream(true);
    // The script reads PACE_MS: set for paced runs only, never inherited from this process.
    if (paceMs != null) {
      wrk.environment().put("PACE_MS", paceMs);
    } else {
      wrk.environment().remove("PACE_MS");
    }
    Process p = wrk.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
    Matcher tail = Pattern.compile("TAIL p99.9=([0-9]+) .*").matcher(out);
    if (!rps.find() || !tail.find()) {
      throw new IllegalStateException("cannot read wrk's output:\n" + out);
    }
    if (script != null) {
      System.out.println("  " + url + " " + tail.group());
    }
    return new Wrk(
        Double.parseDouble(rps.group(1)),
        percentileMs(out, "50%"),
        percentileMs(out, "90%"),
        percentileMs(out, "99%"),
        Long.parseLong(tail.group(1)) / 1000.0);
  }

  private static double percentileMs(String wrkOutput, String percentile) {
    Matcher m =
        Pattern.compile(Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(wrkOutput);
    if (!m.find()) {
      throw new IllegalStateException("no " + percentile + " latency in wrk's output");
    }
    double latency = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> latency / 1000;
      case "s" -> latency * 1000;
      default -> latency;
    };
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  /** The median; of an even count, the mean of the two middle values (not the upper one). */
  private static double medianOf(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** User and system CPU time of a process so far, in ms (from /proc, 100 ticks a second). */
  private static long cpuMs(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  /** The 1-minute load average, to say how busy the machine was. */
  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
