package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.cli.tsm.SimulatedSnpSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code mse cloud deploy} on an operator whose nodes are {@code tsm} runtimes in an SEV-SNP guest,
 * the simulated SNP signer playing the firmware and the KDS (as in {@code HomeTsmSnpTest}): the
 * operator's status client verifies each node's SEV-SNP report with the VCEK from the KDS and
 * accepts it as SIMULATED because its node policy says so; the CLI does likewise with {@code
 * --allow-simulation}, provisions, and the app answers over its own TLS. The simulated KDS serves a
 * CRL of the simulated ASK, which every verifier checks: when it revokes the chip's VCEK, the
 * deploy is refused and says so. An {@code --untrusted-ssl} app on such a node is served by the
 * operator's proxy, which re-encrypts to the app only after fresh SEV-SNP evidence names the app's
 * key.
 */
class CloudTsmSnpTest {
  private static final String[] PROPERTIES = {"mse.tsm.root", "mse.kds.url", "mse.kds.cache"};

  @TempDir Path work;
  private Process signer;

  @AfterEach
  void stopSigner() throws InterruptedException {
    if (signer != null) {
      signer.destroy();
      signer.waitFor(10, TimeUnit.SECONDS);
    }
    for (String p : PROPERTIES) {
      System.clearProperty(p);
    }
  }

  /**
   * The signer, serving the first node the operator makes in {@code nodesDir}; its KDS's CRL lists
   * the chip's VCEK when {@code revoked}.
   */
  private void startSigner(Path nodesDir, boolean revoked) throws Exception {
    Path urlFile = work.resolve("kds.url");
    Path root = work.resolve("tsm");
    signer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SimulatedSnpSigner.class.getName(),
                root.toString(),
                nodesDir.toString(),
                urlFile.toString(),
                revoked ? "revoked" : "valid")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("signer.log").toFile())
            .start();
    for (int i = 0; i < 600 && !Files.isRegularFile(urlFile); i++) {
      assertThat(signer.isAlive()).as("the signer runs").isTrue();
      Thread.sleep(50);
    }
    Thread.sleep(50); // the file is written in one call; let it land
    String kds = Files.readString(urlFile, StandardCharsets.US_ASCII).strip();
    assertThat(kds).startsWith("http://127.0.0.1:");
    // The operator's runtimes open their configfs-tsm entry here; every verifier in this JVM (the
    // operator's status client, the CLI) asks this KDS for the VCEK.
    System.setProperty("mse.tsm.root", root.toString());
    System.setProperty("mse.kds.url", kds);
    System.setProperty("mse.kds.cache", work.resolve("kds-cache").toString());
  }

  @Test
  void anOperatorOfTsmNodesDeploysVerifiesAndServesOnTheSimulatedSnpSigner() throws Exception {
    startSigner(work.resolve("operator").resolve("nodes"), false);
    try (CloudFixture cloud = tsmCloud()) {
      assertThat(cloud.operator.nodesDir()).isEqualTo(work.resolve("operator").resolve("nodes"));
      Path project = cloud.scaffold("snp");
      MseCli.Run deploy =
          cloud
              .cli(
                  "cloud",
                  "deploy",
                  "--path",
                  project.resolve("mse.toml").toString(),
                  "--allow-simulation",
                  "--timeout",
                  "3",
                  "--json")
              .succeeded();
      assertThat(deploy.err()).contains("SIMULATED TEE");
      assertThat(Files.readString(work.resolve("signer.log"))).contains("signed report");
      JsonNode app = Json.MAPPER.readTree(deploy.out());
      String hostPort = app.path("domain").asString() + ":" + cloud.proxyPort();

      // cloud verify takes the SEV-SNP road too: no DCAP collateral is fetched for the report.
      Path cert = work.resolve("cert.pem");
      MseCli.Run verified =
          cloud
              .cli(
                  "cloud",
                  "verify",
                  hostPort,
                  "--fingerprint",
                  app.path("code_sha256").asString(),
                  "--allow-simulation",
                  "--output",
                  cert.toString())
              .succeeded();
      assertThat(verified.out()).contains(SimulatedSnpSigner.MEASUREMENT);
      assertThat(
              CloudFixture.curl("--cacert", cert.toString(), "https://" + hostPort + "/")
                  .succeeded()
                  .out())
          .contains("Hello from snp");

      // Without --allow-simulation the same enclave is refused, and says why.
      MseCli.Run refused =
          cloud.cli(
              "cloud",
              "verify",
              hostPort,
              "--fingerprint",
              app.path("code_sha256").asString(),
              "--output",
              work.resolve("refused.pem").toString());
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.err()).contains("simulated SEV-SNP signer");
    }
  }

  /**
   * An operator of tsm nodes whose node policy accepts the simulated signer; runtimes as the
   * operator's user, since the signer's stand-in lives in this test's directory.
   */
  private CloudFixture tsmCloud() throws Exception {
    Path nodePolicy = work.resolve("node-policy.toml");
    Files.writeString(nodePolicy, "[tcb]\nallow_simulation = true\n");
    return new CloudFixture(
        work,
        "tsm",
        c -> c.withNodePolicy(nodePolicy).withIsolation(c.isolation().withPerAppUsers(false)));
  }

  @Test
  void aDeployOnANodeWhoseVcekTheKdsCrlRevokesIsRefusedAndSaysWhy() throws Exception {
    startSigner(work.resolve("operator").resolve("nodes"), true);
    try (CloudFixture cloud = tsmCloud()) {
      Path project = cloud.scaffold("snp");
      MseCli.Run refused =
          cloud.cli(
              "cloud",
              "deploy",
              "--path",
              project.resolve("mse.toml").toString(),
              "--allow-simulation",
              "--timeout",
              "3",
              "--json");
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.err()).contains("'SEV-VCEK' is revoked by the CRL of mse's simulated");
      assertThat(refused.out()).doesNotContain("\"domain\"");
    }
  }

  @Test
  void anUntrustedSslAppOnATsmNodeIsServedByTheProxyAfterFreshSnpEvidence() throws Exception {
    startSigner(work.resolve("operator").resolve("nodes"), false);
    try (CloudFixture cloud = tsmCloud()) {
      Path project = cloud.scaffold("snp");
      MseCli.Run deploy =
          cloud
              .cli(
                  "cloud",
                  "deploy",
                  "--path",
                  project.resolve("mse.toml").toString(),
                  "--allow-simulation",
                  "--timeout",
                  "3",
                  "--json",
                  "-y",
                  "--untrusted-ssl")
              .succeeded();
      assertThat(deploy.err()).contains("--untrusted-ssl").contains("SIMULATED TEE");
      JsonNode app = Json.MAPPER.readTree(deploy.out());
      assertThat(app.path("ssl_origin").asString()).isEqualTo("operator");
      // TLS ends at the proxy, which trusts the app port's certificate only once fresh SEV-SNP
      // evidence from the enclave port names its key (verified with the simulated KDS's VCEK and
      // CRL); without it the proxy would refuse to connect and curl would fail.
      String url = "https://" + app.path("domain").asString() + ":" + cloud.proxyPort() + "/";
      assertThat(
              CloudFixture.curl("--cacert", cloud.operator.operatorCaFile().toString(), url)
                  .succeeded()
                  .out())
          .contains("Hello from snp");
    }
  }
}
