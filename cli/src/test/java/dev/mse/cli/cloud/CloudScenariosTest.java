package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.cli.home.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The three trust scenarios end to end, through the real CLI, a real operator, real runtime
 * processes and the SNI proxy on loopback, with curl as the users' client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudScenariosTest {
  @TempDir static Path work;
  private CloudFixture cloud;

  @BeforeAll
  void startOperator() throws Exception {
    cloud = new CloudFixture(work);
  }

  @AfterAll
  void stopOperator() throws Exception {
    cloud.close();
  }

  private JsonNode deploy(Path project, String... extra) throws Exception {
    String[] args =
        concat(
            new String[] {
              "cloud",
              "deploy",
              "--path",
              project.resolve("mse.toml").toString(),
              "--allow-simulation",
              "--json",
              "-y"
            },
            extra);
    List<Path> before = deployWorkspaces();
    JsonNode app = Json.MAPPER.readTree(cloud.cli(args).succeeded().out());
    // The package and the copy of the code key made for the upload do not stay in /tmp. Another
    // JVM (a second surefire fork) may be deploying at the same time, with a workspace of its own
    // in the same /tmp: a workspace made during this deploy that still holds a file of this app
    // (package_NAME_….tar or .key) is this deploy's and fails at once; any other one made meanwhile
    // must be gone once that deploy ends (a minute at most), else it is a leak all the same.
    String name = app.path("name").asString();
    assertThat(name).as("the deployed app's name").isNotEmpty();
    String ours = "package_" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "_";
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    List<Path> left = newSince(before);
    while (!left.isEmpty()) {
      for (Path w : left) {
        assertThat(namesIn(w))
            .as("left in %s by this deploy", w)
            .noneMatch(n -> n.startsWith(ours));
      }
      assertThat(Instant.now()).as("deploy workspaces left in /tmp: %s", left).isBefore(deadline);
      Thread.sleep(200);
      left = newSince(before);
    }
    return app;
  }

  private static List<Path> newSince(List<Path> before) throws IOException {
    List<Path> now = new ArrayList<>(deployWorkspaces());
    now.removeAll(before);
    return now;
  }

  private static List<String> namesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      return List.of(); // gone meanwhile (or not readable): judged when the minute is up
    }
  }

  private static List<Path> deployWorkspaces() throws IOException {
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith("mse-deploy-"))
          .sorted()
          .toList();
    }
  }

  @Test
  void zeroTrust_usersVerifyThenCallWithTheVerifiedCertificate() throws Exception {
    Path project = cloud.scaffold("zero");
    JsonNode app = deploy(project);
    String domain = app.path("domain").asString();
    assertThat(app.path("ssl_origin").asString()).isEqualTo("self");
    String hostPort = domain + ":" + cloud.proxyPort();

    // Without verification, a user can only trust nothing: curl with its CAs refuses.
    assertThat(CloudFixture.curl("https://" + hostPort + "/").exitCode()).isEqualTo(60);

    Path cert = work.resolve("zero-cert.pem");
    // A wrong fingerprint is refused, and no certificate is written.
    cloud
        .cli(
            "cloud",
            "verify",
            hostPort,
            "--fingerprint",
            "00".repeat(32),
            "--allow-simulation",
            "--output",
            cert.toString())
        .failed();
    assertThat(cert).doesNotExist();
    // Simulated evidence is refused unless the user accepts it.
    cloud.cli("cloud", "verify", hostPort, "--output", cert.toString()).failed();
    assertThat(cert).doesNotExist();

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
    assertThat(verified.out()).contains("verified " + domain).contains("SIMULATED");
    MseCli.Run hello =
        CloudFixture.curl("--cacert", cert.toString(), "https://" + hostPort + "/").succeeded();
    assertThat(hello.out()).contains("Hello from zero");

    // A server presenting another certificate for the app's name (a man in the middle, a node
    // serving something else) is refused: no fresh evidence of the enclave names its key, so no
    // certificate is written, even with the enclave name answering correctly beside it.
    Path impostorCert = work.resolve("impostor-cert.pem");
    TestCa.Issued other =
        new TestCa().issue(domain, Files.createDirectories(work.resolve("impostor")));
    try (TlsImpostor impostor = TlsImpostor.start(other)) {
      MseCli.Run refused =
          cloud
              .cli(
                  "cloud",
                  "verify",
                  domain + ":" + impostor.port(),
                  "--enclave",
                  app.path("enclave_domain").asString() + ":" + cloud.proxyPort(),
                  "--connect",
                  "127.0.0.1",
                  "--fingerprint",
                  app.path("code_sha256").asString(),
                  "--allow-simulation",
                  "--output",
                  impostorCert.toString())
              .failed();
      // The runtime answers 404 for a key that is not its own; were it to answer for its own key
      // instead, the CLI's own check of the claims' key against the served one refuses as well.
      assertThat(refused.err())
          .containsAnyOf(
              "the enclave does not vouch for the certificate served",
              "names another certificate than the one served");
    }
    assertThat(impostorCert).doesNotExist();

    // With a policy file, the file alone decides about the simulated TEE, and says so.
    for (boolean allow : new boolean[] {true, false}) {
      Path policy =
          Files.writeString(
              work.resolve("simulation-" + allow + ".toml"),
              "[tcb]\nallow_simulation = " + allow + "\n");
      MseCli.Run byPolicy =
          cloud.cli(
              "cloud",
              "verify",
              hostPort,
              "--fingerprint",
              app.path("code_sha256").asString(),
              "--policy",
              policy.toString(),
              "--output",
              work.resolve("zero-cert-policy.pem").toString());
      assertThat(byPolicy.exitCode()).isEqualTo(allow ? 0 : 1);
      assertThat(byPolicy.err())
          .contains(
              "mse: policy "
                  + policy
                  + ": the simulated TEE is "
                  + (allow ? "accepted" : "refused")
                  + " (its allow_simulation)");
    }

    // A user who has the owner's exported context and the sources rebuilds the code and checks it.
    cloud
        .cli(
            "cloud",
            "verify",
            hostPort,
            "--context",
            exportContext(app),
            "--code",
            project.toString(),
            "--allow-simulation",
            "--output",
            work.resolve("zero-cert-2.pem").toString())
        .succeeded();

    // The app's own tests, against the deployed app (verified first).
    cloud.cli("cloud", "test", app.path("app_id").asString(), "--allow-simulation").succeeded();

    assertCodeOnlyEncryptedOnTheOperator(project);
  }

  @Test
  void appOwnerTrusted_aClientTrustingTheOwnersCaCallsTheCustomDomain() throws Exception {
    TestCa ca = cloud.ownerCa;
    Path project = cloud.scaffold("owned");
    TestCa.Issued issued = ca.issue("shop.example.test", project);
    Files.writeString(
        project.resolve("mse.toml"),
        "\n[cloud.ssl]\ndomain_name = \"shop.example.test\"\nprivate_key = \"privkey.pem\"\n"
            + "certificate = \"fullchain.pem\"\n",
        java.nio.file.StandardOpenOption.APPEND);
    JsonNode app = deploy(project);
    assertThat(app.path("ssl_origin").asString()).isEqualTo("owner");
    assertThat(app.path("domain").asString()).isEqualTo("shop.example.test");

    Path caFile = ca.writeCa(work.resolve("owner-ca.pem"));
    String port = Integer.toString(cloud.proxyPort());
    MseCli.Run hello =
        CloudFixture.curl(
                "--cacert",
                caFile.toString(),
                "--resolve",
                "shop.example.test:" + port + ":127.0.0.1",
                "https://shop.example.test:" + port + "/")
            .succeeded();
    assertThat(hello.out()).contains("Hello from owned");

    // The enclave name still serves the RA-TLS certificate: users can verify the enclave.
    cloud
        .cli(
            "cloud",
            "verify",
            app.path("enclave_domain").asString() + ":" + port,
            "--connect",
            "127.0.0.1",
            "--context",
            exportContext(app),
            "--allow-simulation",
            "--output",
            work.resolve("owned-enclave.pem").toString())
        .succeeded();

    // Any user can verify at the enclave name without the owner's context: the claims name the
    // app whose enclave name it is (before, this failed with "another app answered").
    MseCli.Run atEnclave =
        cloud
            .cli(
                "cloud",
                "verify",
                app.path("enclave_domain").asString() + ":" + port,
                "--connect",
                "127.0.0.1",
                "--fingerprint",
                app.path("code_sha256").asString(),
                "--allow-simulation",
                "--output",
                work.resolve("owned-enclave-2.pem").toString())
            .succeeded();
    assertThat(atEnclave.out())
        .contains("trust:        owner")
        .contains("tls:          app (who serves it in the TEE)");

    // At the custom domain the app serves the owner's certificate: fresh evidence from the
    // enclave name vouches for that key, and cert.pem is the certificate served there.
    Path ownedCert = work.resolve("owned-domain.pem");
    cloud
        .cli(
            "cloud",
            "verify",
            "shop.example.test:" + port,
            "--connect",
            "127.0.0.1",
            "--context",
            exportContext(app),
            "--allow-simulation",
            "--output",
            ownedCert.toString())
        .succeeded();
    assertThat(Files.readString(ownedCert))
        .isEqualTo(
            dev.mse.cli.enclave.ServedCertificate.pem(
                dev.mse.attestation.codec.X509Codec.certificates(Files.readAllBytes(issued.chain()))
                    .getFirst()));

    // The owner's private key is nowhere on the operator's side: database, logs, disk, nodes.
    String keyBody =
        issued.keyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    byte[][] secrets = {
      keyBody.getBytes(StandardCharsets.US_ASCII),
      issued.keyPem().getBytes(StandardCharsets.US_ASCII)
    };
    for (Path f : CloudFixture.files(cloud.config.dataDir())) {
      byte[] content = Files.readAllBytes(f);
      for (byte[] secret : secrets) {
        assertThat(Bytes.contains(content, secret)).as("owner key in %s", f).isFalse();
      }
    }
    assertCodeOnlyEncryptedOnTheOperator(project);
  }

  @Test
  void untrustedSsl_aClientTrustingTheOperatorCaCallsTheApp() throws Exception {
    Path project = cloud.scaffold("quick");
    MseCli.Run run =
        cloud.cli(
            "cloud",
            "deploy",
            "--path",
            project.resolve("mse.toml").toString(),
            "--allow-simulation",
            "--json",
            "-y",
            "--untrusted-ssl");
    run.succeeded();
    assertThat(run.err()).contains("--untrusted-ssl");
    JsonNode app = Json.MAPPER.readTree(run.out());
    assertThat(app.path("ssl_origin").asString()).isEqualTo("operator");
    String url = "https://" + app.path("domain").asString() + ":" + cloud.proxyPort() + "/";
    MseCli.Run hello =
        CloudFixture.curl("--cacert", cloud.operator.operatorCaFile().toString(), url).succeeded();
    assertThat(hello.out()).contains("Hello from quick");
    assertCodeOnlyEncryptedOnTheOperator(project);
  }

  /** Writes the app's context as its owner would share it, for users' --context. */
  private String exportContext(JsonNode app) throws Exception {
    Path file = work.resolve(app.path("app_id").asString() + ".json");
    Files.writeString(file, Json.write(app));
    return file.toString();
  }

  /** The compiled class of the app appears in no file of the operator (package, nodes, DB). */
  private void assertCodeOnlyEncryptedOnTheOperator(Path project) throws Exception {
    Path classes = project.resolve("build/classes");
    byte[] classFile;
    try (var walk = Files.walk(classes)) {
      classFile =
          Files.readAllBytes(
              walk.filter(p -> p.toString().endsWith("App.class")).findFirst().orElseThrow());
    }
    byte[] window = Arrays.copyOfRange(classFile, classFile.length / 2, classFile.length / 2 + 48);
    for (Path f : CloudFixture.files(cloud.config.dataDir())) {
      byte[] content = Files.readAllBytes(f);
      assertThat(Bytes.contains(content, window))
          .as("plaintext class bytes (%s) in %s", HexFormat.of().formatHex(window, 0, 8), f)
          .isFalse();
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
