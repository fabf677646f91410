package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.cli.MseCli;
import dev.mse.cli.cloud.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app owner's mode through {@code mse home}: the operator spawns with the owner's certificate
 * chain, the code provider verifies and seals the certificate's key to the enclave, and then a
 * client trusting only the owner's CA reaches the app, while the enclave still answers verifiers
 * with RA-TLS.
 */
class HomeOwnerModeTest {
  private static final Path RUNTIME = Path.of("..", "enclave", "target", "runtime");
  private static final String SAN = "shop.mse.test";

  @TempDir Path work;

  @Test
  void theOwnersCertificateIsServedOnceItsKeyWasSealedToTheVerifiedEnclave() throws Exception {
    assumeTrue(Files.isRegularFile(RUNTIME.resolve("mse-enclave.jar")), "no runtime built");
    Path conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "shop", "--output", work.toString()).succeeded();
    Path project = work.resolve("shop");
    MseCli.run(
            conf,
            "home",
            "package",
            "--project",
            project.toString(),
            "--output",
            work.resolve("pkg").toString())
        .succeeded();
    Path packageFile;
    Path keyFile;
    try (Stream<Path> s = Files.list(work.resolve("pkg"))) {
      List<Path> files = s.toList();
      packageFile = files.stream().filter(f -> f.toString().endsWith(".tar")).findFirst().get();
      keyFile = files.stream().filter(f -> f.toString().endsWith(".key")).findFirst().get();
    }
    TestCa ca = new TestCa();
    TestCa.Issued issued = ca.issue(SAN, Files.createDirectories(work.resolve("owner")));
    int port = dev.mse.operator.node.runtime.LoopbackPorts.free();
    int enclavePort = dev.mse.operator.node.runtime.LoopbackPorts.free();
    Path node = work.resolve("node");
    try {
      MseCli.Run spawned =
          MseCli.run(
                  conf,
                  "home",
                  "spawn",
                  "shop",
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
                  "20",
                  "--certificate",
                  issued.chain().toString(),
                  "--output",
                  node.toString(),
                  "--runtime",
                  RUNTIME.toString())
              .succeeded();
      assertThat(spawned.out()).contains("the owner's certificate for " + SAN);
      Path verified = work.resolve("verified");
      MseCli.run(
              conf,
              "home",
              "verify",
              "--evidence",
              node.resolve("evidence.json").toString(),
              "--package",
              packageFile.toString(),
              "--output",
              verified.toString(),
              "--allow-simulation",
              "--runtime",
              RUNTIME.toString())
          .succeeded();
      Path sealed = work.resolve("sealed");
      MseCli.run(
              conf,
              "home",
              "seal",
              "--input",
              project.resolve("secrets_to_seal.json").toString(),
              "--receiver-enclave",
              verified.resolve("ratls.pem").toString(),
              "--output",
              sealed.toString(),
              "--code-key",
              keyFile.toString(),
              "--ssl-private-key",
              issued.key().toString())
          .succeeded();
      MseCli.run(conf, "home", "run", "shop", "--sealed-secrets", sealed.toString()).succeeded();

      Path caFile = ca.writeCa(work.resolve("ca.pem"));
      assertThat(curl(caFile, port)).contains("Hello from shop");
      // The RA-TLS certificate the code provider verified is what clients that do not ask for
      // the owner's domain get: refreshed evidence still names it.
      assertThat(Files.readString(node.resolve("ratls.pem")))
          .isEqualTo(Files.readString(verified.resolve("ratls.pem")));
      // Users check the owner's certificate the app serves against fresh evidence from the
      // runtime's port, which names the owner's key once provisioned.
      Path user = work.resolve("user");
      MseCli.run(
              conf,
              "home",
              "verify",
              "--evidence",
              node.resolve("evidence.json").toString(),
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
              Integer.toString(enclavePort))
          .succeeded();
      assertThat(Files.readString(user.resolve("cert.pem")))
          .isEqualTo(
              dev.mse.cli.enclave.ServedCertificate.pem(
                  dev.mse.attestation.codec.X509Codec.certificates(
                          Files.readAllBytes(issued.chain()))
                      .getFirst()));
      // The owner's key is not on the node's disk.
      String keyBody =
          issued.keyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
      try (Stream<Path> files = Files.walk(node)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
              .as("owner key in %s", f)
              .doesNotContain(keyBody);
        }
      }
    } finally {
      MseCli.run(conf, "home", "stop", "shop", "--remove");
    }
  }

  private static String curl(Path caFile, int port) throws Exception {
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--cacert",
                caFile.toString(),
                "--resolve",
                SAN + ":" + port + ":127.0.0.1",
                "https://" + SAN + ":" + port + "/")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
