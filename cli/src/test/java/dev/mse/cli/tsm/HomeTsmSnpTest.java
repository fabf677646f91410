package dev.mse.cli.tsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.cli.MseCli;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code tsm} backend's road on an SEV-SNP guest, end to end, with the simulated SNP signer in
 * place of the firmware: a real runtime process (its {@code TsmBackend} unchanged, only its
 * configfs-tsm root pointed at the signer's stand-in) spawned by {@code mse home spawn --tee tsm},
 * its SEV-SNP reports verified with the VCEK the simulated KDS serves, as SIMULATED; then the code
 * provider's check, sealing, provisioning and the app served over its own TLS.
 */
class HomeTsmSnpTest {
  private static final Path RUNTIME = Path.of("..", "enclave", "target", "runtime");
  private static final String SAN = "app.mse.test";
  private static final String[] PROPERTIES = {"mse.tsm.root", "mse.kds.url", "mse.kds.cache"};

  @TempDir Path work;
  private Path conf;
  private Path project;
  private Path packageFile;
  private Process signer;
  private Path signerLog;
  private String kdsUrl;
  private final List<String> spawned = new ArrayList<>();

  @BeforeEach
  void scaffoldAndPackage() throws IOException {
    assumeTrue(
        Files.isRegularFile(RUNTIME.resolve("mse-enclave.jar")),
        "no runtime distribution: build it with ./mvnw package -pl enclave -am");
    conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "hello", "--output", work.toString()).succeeded();
    project = work.resolve("hello");
    MseCli.run(
            conf,
            "home",
            "package",
            "--project",
            project.toString(),
            "--output",
            work.resolve("pkg").toString())
        .succeeded();
    try (Stream<Path> s = Files.list(work.resolve("pkg"))) {
      packageFile = s.filter(f -> f.toString().endsWith(".tar")).findFirst().orElseThrow();
    }
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (String name : spawned) {
      MseCli.run(conf, "home", "stop", name, "--remove");
    }
    if (signer != null) {
      signer.destroy();
      signer.waitFor(10, TimeUnit.SECONDS);
    }
    for (String p : PROPERTIES) {
      System.clearProperty(p);
    }
  }

  /** Starts the signer process for the app whose config will be {@code config}. */
  private void startSigner(Path root, Path config) throws Exception {
    Path urlFile = work.resolve("kds.url");
    signerLog = work.resolve("signer.log");
    signer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SimulatedSnpSigner.class.getName(),
                root.toString(),
                config.toString(),
                urlFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(signerLog.toFile())
            .start();
    for (int i = 0; i < 600 && !Files.isRegularFile(urlFile); i++) {
      assertThat(signer.isAlive()).as("the signer runs").isTrue();
      Thread.sleep(50);
    }
    Thread.sleep(50); // the file is written in one call; let it land
    kdsUrl = Files.readString(urlFile).strip();
    assertThat(kdsUrl).startsWith("http://127.0.0.1:");
    System.setProperty("mse.tsm.root", root.toString());
    System.setProperty("mse.kds.url", kdsUrl);
    System.setProperty("mse.kds.cache", work.resolve("kds-cache").toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aTsmRuntimeOnTheSimulatedSnpSignerIsVerifiedAsSimulatedSnpAndServesTheApp()
      throws Exception {
    Path node = work.resolve("node");
    startSigner(work.resolve("tsm"), node.resolve("deployment.json"));
    int port = freePort();
    spawned.add("snp");
    MseCli.Run spawn =
        MseCli.run(
                conf,
                "home",
                "spawn",
                "snp",
                "--package",
                packageFile.toString(),
                "--san",
                SAN,
                "--port",
                Integer.toString(port),
                "--enclave-port",
                Integer.toString(freePort()),
                "--host",
                "127.0.0.1",
                "--size",
                "1024",
                "--output",
                node.toString(),
                "--runtime",
                RUNTIME.toString(),
                "--tee",
                "tsm",
                "--allow-simulation")
            .succeeded();
    assertThat(spawn.out()).contains("tee:      tsm (SIMULATED: not confidential)");
    assertThat(Files.readString(signerLog)).contains("signed report");
    assertThat(Files.readString(node.resolve("runtime.log"))).doesNotContain("SIMULATED TEE");

    // The code provider's check: SIMULATED (the VCEK chains to mse's simulated ARK), the
    // measurement is the guest's launch digest, and without --allow-simulation it is refused.
    Path cp = work.resolve("cp");
    MseCli.Run verified =
        MseCli.run(
                conf,
                "home",
                "verify",
                "--evidence",
                node.resolve("evidence.json").toString(),
                "--package",
                packageFile.toString(),
                "--output",
                cp.toString(),
                "--allow-simulation")
            .succeeded();
    assertThat(verified.out())
        .contains("verified: SIMULATED")
        .contains("measurement: " + SimulatedSnpSigner.MEASUREMENT)
        .contains("product: simulation")
        .contains("signing_key: VCEK");
    MseCli.Run refused =
        MseCli.run(
            conf,
            "home",
            "verify",
            "--evidence",
            node.resolve("evidence.json").toString(),
            "--package",
            packageFile.toString(),
            "--output",
            work.resolve("cp-refused").toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("simulated SEV-SNP signer");

    // The fresh report in the evidence, through the one command for all evidence, its VCEK from
    // the simulated KDS; a flipped byte of it is refused.
    byte[] report =
        Base64.getDecoder()
            .decode(
                JsonMapper.builder()
                    .build()
                    .readTree(Files.readString(node.resolve("evidence.json")))
                    .required("quote")
                    .asString());
    Path reportFile = work.resolve("report.bin");
    Files.write(reportFile, report);
    MseCli.Run quote =
        MseCli.run(
                conf,
                "quote",
                "verify",
                reportFile.toString(),
                "--kds",
                kdsUrl,
                "--allow-simulation",
                "--json")
            .succeeded();
    assertThat(quote.out())
        .contains("\"tee\" : \"SIMULATED\"")
        .contains(SimulatedSnpSigner.MEASUREMENT);
    report[0x100] ^= 0x40;
    Files.write(reportFile, report);
    MseCli.Run tampered =
        MseCli.run(
            conf, "quote", "verify", reportFile.toString(), "--kds", kdsUrl, "--allow-simulation");
    assertThat(tampered.exitCode()).isNotZero();
    assertThat(tampered.out() + tampered.err()).contains("signature does not verify");

    // Provisioning over the verified connection; then the app serves its own TLS.
    Path sealed = work.resolve("secrets.seal");
    MseCli.run(
            conf,
            "home",
            "seal",
            "--input",
            project.resolve("secrets_to_seal.json").toString(),
            "--receiver-enclave",
            cp.resolve("ratls.pem").toString(),
            "--output",
            sealed.toString())
        .succeeded();
    MseCli.Run run =
        MseCli.run(
                conf,
                "home",
                "run",
                "snp",
                "--sealed-secrets",
                sealed.toString(),
                "--secrets",
                project.resolve("secrets.json").toString())
            .succeeded();
    assertThat(run.out()).contains("running: https://" + SAN + ":" + port + "/");
    assertThat(curl(cp.resolve("ratls.pem"), port, "/health")).contains("OK");
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
}
