package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.cli.MseCli;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole home chain through the in-process CLI, with real runtime processes from {@code
 * enclave/target/runtime} on loopback: scaffold, package, spawn, verify, seal, run, curl, restart,
 * stop; and each bad input ending in one clear error with nothing served from bad code.
 */
class HomeChainTest {
  private static final Path RUNTIME = Path.of("..", "enclave", "target", "runtime");
  private static final String SAN = "app.mse.test";

  @TempDir Path work;
  private Path conf;
  private Path project;
  private Path packageFile;
  private Path keyFile;
  private String marker;
  private final List<String> spawned = new ArrayList<>();
  private final StringBuilder cliOutput = new StringBuilder();

  @BeforeEach
  void scaffoldAndPackage() throws IOException {
    assumeTrue(
        Files.isRegularFile(RUNTIME.resolve("mse-enclave.jar")),
        "no runtime distribution: build it with ./mvnw install -pl enclave -am");
    conf = work.resolve("conf");
    cli("home", "scaffold", "hello", "--output", work.toString()).succeeded();
    project = work.resolve("hello");
    marker = "plaintext-marker-" + UUID.randomUUID();
    Path app = project.resolve("src/main/java/com/example/hello/App.java");
    Files.writeString(
        app, Files.readString(app).replace("running in a TEE!", "running in a TEE! " + marker));
    cli(
            "home",
            "package",
            "--project",
            project.toString(),
            "--output",
            work.resolve("pkg").toString())
        .succeeded();
    try (Stream<Path> s = Files.list(work.resolve("pkg"))) {
      for (Path f : s.toList()) {
        if (f.toString().endsWith(".tar")) {
          packageFile = f;
        } else {
          keyFile = f;
        }
      }
    }
  }

  @AfterEach
  void stopEverything() {
    for (String name : spawned) {
      MseCli.run(conf, "home", "stop", name, "--remove");
    }
  }

  private MseCli.Run cli(String... args) {
    MseCli.Run run = MseCli.run(conf, args);
    cliOutput.append(run.out()).append(run.err());
    return run;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The runtime's own port of each spawned app, beside the app's port. */
  private final java.util.Map<String, Integer> enclavePorts = new java.util.HashMap<>();

  private Path spawn(String name, int port) throws IOException {
    int enclavePort = freePort();
    enclavePorts.put(name, enclavePort);
    Path node = work.resolve("node-" + name);
    spawned.add(name);
    MseCli.Run run =
        cli(
                "home",
                "spawn",
                name,
                "--package",
                packageFile.toString(),
                "--san",
                SAN,
                "--port",
                Integer.toString(port),
                "--enclave-port",
                Integer.toString(enclavePort),
                "--host",
                "127.0.0.1",
                "--size",
                "1024",
                "--days",
                "30",
                "--output",
                node.toString(),
                "--runtime",
                RUNTIME.toString())
            .succeeded();
    assertThat(run.out())
        .contains("no TEE on this machine: using the simulated TEE (not confidential)")
        .contains("waiting for its owner");
    assertThat(node.resolve("evidence.json")).isRegularFile();
    assertThat(node.resolve("ratls.pem")).isRegularFile();
    return node;
  }

  private MseCli.Run verify(Path evidence, Path pkg, Path output) {
    return cli(
        "home",
        "verify",
        "--evidence",
        evidence.toString(),
        "--package",
        pkg.toString(),
        "--output",
        output.toString(),
        "--allow-simulation",
        "--runtime",
        RUNTIME.toString());
  }

  private Path seal(Path receiver, String name, String... extra) {
    Path sealed = work.resolve(name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "home",
                "seal",
                "--input",
                project.resolve("secrets_to_seal.json").toString(),
                "--receiver-enclave",
                receiver.toString(),
                "--output",
                sealed.toString()));
    args.addAll(List.of(extra));
    cli(args.toArray(String[]::new)).succeeded();
    return sealed;
  }

  private static String curl(Path cacert, int port, String path) throws Exception {
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--cacert",
                cacert.toString(),
                "--resolve",
                SAN + ":" + port + ":127.0.0.1",
                "https://" + SAN + ":" + port + path)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** An app user's Java client: trusts only a running enclave that attests this package. */
  private HttpResponse<String> javaClientGet(int port, String path) throws Exception {
    ByteString packageSha256 = ByteString.of(Files.readAllBytes(packageFile)).sha256();
    RaTlsTrustManager trust =
        RaTlsTrustManager.builder(AppraisalPolicy.defaults().withAllowSimulation(true))
            .options(RaTlsOptions.none().withPackageSha256(packageSha256))
            .serverName(SAN)
            .build();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(RaTlsSslContexts.client(trust))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long pidOf(Path node) throws IOException {
    return Long.parseLong(Files.readString(node.resolve("runtime.pid")).strip());
  }

  /** No plaintext code and no code key in the node's files, its log or its command line. */
  private void assertNoPlaintextOnTheNode(Path node) throws IOException {
    byte[] classFile =
        Files.readAllBytes(project.resolve("build/classes/com/example/hello/App.class"));
    byte[] classWindow =
        java.util.Arrays.copyOfRange(classFile, classFile.length / 2, classFile.length / 2 + 48);
    byte[] key = Files.readAllBytes(keyFile);
    List<byte[]> secrets =
        List.of(
            marker.getBytes(StandardCharsets.UTF_8),
            classFile,
            classWindow,
            key,
            HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII));
    List<Path> files;
    try (Stream<Path> s = Files.walk(node)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).contains(node.resolve("runtime.log"), node.resolve("package.tar"));
    for (Path f : files) {
      byte[] content = Files.readAllBytes(f);
      for (byte[] secret : secrets) {
        assertThat(Bytes.contains(content, secret)).as("plaintext or key in %s", f).isFalse();
      }
    }
    byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pidOf(node)), "cmdline"));
    assertThat(new String(cmdline, StandardCharsets.UTF_8)).contains("mse-enclave-launcher.jar");
    for (byte[] secret : secrets) {
      assertThat(Bytes.contains(cmdline, secret))
          .as("plaintext or key on the command line")
          .isFalse();
    }
    String keyHex = HexFormat.of().formatHex(key);
    assertThat(cliOutput.toString()).doesNotContain(keyHex).doesNotContain(marker);
  }

  @Test
  void theHomeChainRunsTheAppVerifiedAndItServesAgainAfterARestart() throws Exception {
    int port = freePort();
    Instant t0 = Instant.now();
    Path node = spawn("hello", port);
    Duration spawnToWaiting = Duration.between(t0, Instant.now());

    Path cp = work.resolve("cp");
    MseCli.Run verified = verify(node.resolve("evidence.json"), packageFile, cp).succeeded();
    assertThat(verified.out()).contains("verified: SIMULATED").contains("state:          waiting");
    Path sealed = seal(cp.resolve("ratls.pem"), "secrets_to_seal.json.seal");

    Instant t1 = Instant.now();
    MseCli.Run run =
        cli(
                "home",
                "run",
                "hello",
                "--sealed-secrets",
                sealed.toString(),
                "--secrets",
                project.resolve("secrets.json").toString())
            .succeeded();
    Duration runToRunning = Duration.between(t1, Instant.now());
    assertThat(run.out()).contains("running: https://" + SAN + ":" + port + "/");

    // The certificate the code provider verified before provisioning still works: the enclave
    // serves one RA-TLS certificate for its life.
    assertThat(curl(cp.resolve("ratls.pem"), port, "/")).contains(marker);
    // An app user: verifies the certificate the node serves now, then trusts it with curl.
    cli("home", "evidence", "hello", "--output", work.resolve("fresh").toString()).succeeded();
    Path cp2 = work.resolve("cp2");
    assertThat(verify(work.resolve("fresh/evidence.json"), packageFile, cp2).succeeded().out())
        .contains("package sha256");
    assertThat(Files.readString(cp2.resolve("ratls.pem")))
        .isEqualTo(Files.readString(cp.resolve("ratls.pem")));
    assertThat(curl(cp2.resolve("ratls.pem"), port, "/")).contains(marker);
    assertThat(curl(node.resolve("ratls.pem"), port, "/health")).contains("OK");
    assertThat(curl(cp2.resolve("ratls.pem"), port, "/sealed_secrets"))
        .contains("\"present\":true")
        .contains("api_key")
        .doesNotContain("change-me");
    assertThat(curl(cp2.resolve("ratls.pem"), port, "/secrets"))
        .contains("region")
        .doesNotContain("eu-west-1");

    // The users' check, at the app's port: the certificate the app serves there is the one fresh
    // evidence from the runtime's port names.
    Path user = work.resolve("user");
    MseCli.Run servedOk =
        cli(
                "home",
                "verify",
                "--evidence",
                work.resolve("fresh/evidence.json").toString(),
                "--package",
                packageFile.toString(),
                "--output",
                user.toString(),
                "--allow-simulation",
                "--runtime",
                RUNTIME.toString(),
                "--app",
                "127.0.0.1:" + port,
                "--enclave-port",
                Integer.toString(enclavePorts.get("hello")))
            .succeeded();
    assertThat(servedOk.out()).contains("verified the certificate the app serves");
    assertThat(curl(user.resolve("cert.pem"), port, "/")).contains(marker);

    HttpResponse<String> hello = javaClientGet(port, "/");
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(hello.body()).contains(marker);

    MseCli.Run status = cli("home", "status", "hello").succeeded();
    assertThat(status.out())
        .contains("state:       running")
        .contains("SIMULATED")
        .contains("san:         " + SAN)
        .contains("port:        127.0.0.1:" + port + " (the app)")
        .contains("enclave:     127.0.0.1:" + enclavePorts.get("hello") + " (the runtime)");
    assertThat(cli("home", "list").succeeded().out()).contains("hello").contains("running");

    MseCli.Run again = cli("home", "run", "hello", "--sealed-secrets", sealed.toString()).failed();
    assertThat(again.err()).contains("already provisioned").contains("running, not waiting");

    assertNoPlaintextOnTheNode(node);

    long before = pidOf(node);
    Instant t2 = Instant.now();
    assertThat(cli("home", "restart", "hello").succeeded().out())
        .contains("restarted hello: running");
    Duration restartToRunning = Duration.between(t2, Instant.now());
    assertThat(pidOf(node)).isNotEqualTo(before);
    assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(javaClientGet(port, "/").body()).contains(marker);
    assertThat(curl(node.resolve("ratls.pem"), port, "/")).contains(marker);
    assertNoPlaintextOnTheNode(node);

    MseCli.Run logs = cli("home", "logs", "hello").succeeded();
    assertThat(logs.out()).contains("restarting from sealed state");

    long last = pidOf(node);
    assertThat(cli("home", "stop", "hello").succeeded().out()).contains("stopped hello");
    assertThat(ProcessHandle.of(last).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(cli("home", "status", "hello").succeeded().out()).contains("state:       stopped");
    assertThat(cli("home", "stop", "hello", "--remove").succeeded().out())
        .contains("removed hello");
    assertThat(node.resolve("state")).doesNotExist();
    assertThat(cli("home", "list").succeeded().out()).contains("no app");
    spawned.clear();

    System.out.printf(
        "home chain: spawn-to-waiting %d ms, run-to-running %d ms, restart-to-running %d ms%n",
        spawnToWaiting.toMillis(), runToRunning.toMillis(), restartToRunning.toMillis());
  }

  @Test
  void badPackagesEvidenceAndProvisioningEachFailClearlyAndServeNothing() throws Exception {
    int port = freePort();
    Path node = spawn("bad", port);
    Path evidence = node.resolve("evidence.json");

    // The same name twice, and a busy port, are refused before anything starts.
    assertThat(
            cli(
                    "home",
                    "spawn",
                    "bad",
                    "--package",
                    packageFile.toString(),
                    "--san",
                    SAN,
                    "--port",
                    Integer.toString(freePort()),
                    "--size",
                    "1024",
                    "--output",
                    work.resolve("other").toString())
                .failed()
                .err())
        .contains("an app named 'bad' exists");
    assertThat(
            cli(
                    "home",
                    "spawn",
                    "busy",
                    "--package",
                    packageFile.toString(),
                    "--san",
                    SAN,
                    "--port",
                    Integer.toString(freePort()),
                    "--enclave-port",
                    Integer.toString(enclavePorts.get("bad")),
                    "--host",
                    "127.0.0.1",
                    "--size",
                    "1024",
                    "--output",
                    work.resolve("busy").toString())
                .failed()
                .err())
        .contains("port " + enclavePorts.get("bad") + " on 127.0.0.1 is busy");

    // A package altered by one byte: its digest is not the one the enclave attests.
    byte[] tampered = Files.readAllBytes(packageFile);
    int codeEntry = indexOf(tampered, "code.enc".getBytes(StandardCharsets.US_ASCII));
    tampered[codeEntry + 512 + 200] ^= 1;
    Path tamperedFile = work.resolve("tampered.tar");
    Files.write(tamperedFile, tampered);
    MseCli.Run t = verify(evidence, tamperedFile, work.resolve("cp-tampered")).failed();
    assertThat(t.err())
        .contains("the evidence does not verify")
        .contains("package-sha256 mismatch");
    assertThat(work.resolve("cp-tampered/ratls.pem")).doesNotExist();

    // Evidence for another package.
    cli(
            "home",
            "package",
            "--project",
            project.toString(),
            "--output",
            work.resolve("pkg2").toString())
        .succeeded();
    Path otherPackage;
    try (Stream<Path> s = Files.list(work.resolve("pkg2"))) {
      otherPackage = s.filter(f -> f.toString().endsWith(".tar")).findFirst().orElseThrow();
    }
    MseCli.Run o = verify(evidence, otherPackage, work.resolve("cp-other")).failed();
    assertThat(o.err())
        .contains("package-sha256 mismatch")
        .contains("the deployment config names the package");
    assertThat(work.resolve("cp-other/ratls.pem")).doesNotExist();

    // Without --allow-simulation the simulated TEE is refused.
    MseCli.Run strict =
        cli(
                "home",
                "verify",
                "--evidence",
                evidence.toString(),
                "--package",
                packageFile.toString(),
                "--output",
                work.resolve("cp-strict").toString(),
                "--runtime",
                RUNTIME.toString())
            .failed();
    assertThat(strict.err()).containsIgnoringCase("simulat");

    // A runtime other than the local one (another measurement) is refused.
    Path otherRuntime = work.resolve("other-runtime");
    Files.createDirectories(otherRuntime);
    Files.write(otherRuntime.resolve("mse-enclave.jar"), new byte[] {1, 2, 3});
    MseCli.Run wrongRuntime =
        cli(
                "home",
                "verify",
                "--evidence",
                evidence.toString(),
                "--package",
                packageFile.toString(),
                "--output",
                work.resolve("cp-rt").toString(),
                "--allow-simulation",
                "--runtime",
                otherRuntime.toString())
            .failed();
    assertThat(wrongRuntime.err()).containsIgnoringCase("mrenclave");

    Path cp = work.resolve("cp");
    verify(evidence, packageFile, cp).succeeded();

    // Sealed by a key that is not the owner's: refused, and the enclave keeps waiting.
    Path strangerConf = work.resolve("stranger");
    Files.createDirectories(strangerConf);
    Files.writeString(
        strangerConf.resolve("owner.key"),
        HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32)) + "\n");
    MseCli.Run forgedSeal =
        MseCli.run(
                strangerConf,
                "home",
                "seal",
                "--receiver-enclave",
                cp.resolve("ratls.pem").toString(),
                "--output",
                work.resolve("forged.seal").toString(),
                "--code-key",
                keyFile.toString())
            .succeeded();
    assertThat(forgedSeal.out()).contains("sealed for the enclave");
    MseCli.Run forged =
        cli("home", "run", "bad", "--sealed-secrets", work.resolve("forged.seal").toString())
            .failed();
    assertThat(forged.err())
        .contains("the runtime refused the provisioning")
        .contains("keeps waiting");
    assertThat(cli("home", "status", "bad").succeeded().out()).contains("state:       waiting");

    // The right owner but a wrong code key: the enclave fails and serves nothing of the app.
    Path wrongKey = work.resolve("wrong.key");
    Files.write(wrongKey, new java.security.SecureRandom().generateSeed(32));
    Path wrongSeal = seal(cp.resolve("ratls.pem"), "wrong.seal", "--code-key", wrongKey.toString());
    MseCli.Run failed =
        cli("home", "run", "bad", "--sealed-secrets", wrongSeal.toString()).failed();
    assertThat(failed.err()).contains("failed: the code key does not open the package");
    assertThat(cli("home", "status", "bad").succeeded().out()).contains("state:       failed");
    // Nothing listens on the app's port; the runtime's port says why.
    assertThat(curlAllowingErrors(node.resolve("ratls.pem"), port, "/"))
        .contains("Couldn't connect")
        .doesNotContain(marker);
    assertThat(
            curlAllowingErrors(
                node.resolve("ratls.pem"), enclavePorts.get("bad"), "/.well-known/mse/status"))
        .contains("failed")
        .contains("the code key does not open the package")
        .doesNotContain(marker);

    // A second delivery, even of the right message, is refused.
    Path right = seal(cp.resolve("ratls.pem"), "right.seal");
    assertThat(cli("home", "run", "bad", "--sealed-secrets", right.toString()).failed().err())
        .contains("already provisioned");
    assertNoPlaintextOnTheNode(node);
  }

  private static String curlAllowingErrors(Path cacert, int port, String path) throws Exception {
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--cacert",
                cacert.toString(),
                "--resolve",
                SAN + ":" + port + ":127.0.0.1",
                "https://" + SAN + ":" + port + path)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
