package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.cli.enclave.ServedCertificate;
import dev.mse.cli.home.Bytes;
import dev.mse.operator.node.runtime.LoopbackPorts;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code examples/owner-certificate} as its README walks it: a copy of the example, its own {@code
 * make-test-ca.sh} making a local test CA and a certificate for {@code shop.localhost}, {@code mse
 * home localtest} with the example's {@code tests_cmd}, then a simulated {@code mse cloud deploy}
 * with {@code [cloud.ssl]} to an operator that trusts that CA for custom domains: curl trusting
 * only the CA gets the app through the SNI proxy, the certificate served is the owner's, users
 * verify at the enclave name and at the domain, and the owner's key is in none of the operator's
 * files or the app's logs. A key that is not the certificate's, and an expired certificate, are
 * refused before anything is uploaded, with one line. The {@code mse home} variant of the README:
 * spawn with the chain, seal the key to the verified enclave, call and verify the app at its port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnerCertificateExampleTest {
  private static final Path EXAMPLE =
      Path.of("..", "examples", "owner-certificate").toAbsolutePath().normalize();
  private static final String DOMAIN = "shop.localhost";
  private static final String HELLO = "Hello from the owner's certificate example";

  @TempDir static Path work;

  /** The example as a user has it after {@code ./make-test-ca.sh}. */
  private Path project;

  private Path tls;
  private CloudFixture cloud;

  @BeforeAll
  void makeTheTestCaThenStartAnOperatorTrustingIt() throws Exception {
    project = copyOfExample(work.resolve("owner-certificate"));
    Process script =
        new ProcessBuilder("./make-test-ca.sh")
            .directory(project.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(script.exitValue()).as(output).isZero();
    tls = project.resolve("tls");
    assertThat(output).contains("fullchain.pem for " + DOMAIN);
    // The operator accepts the custom domain only with a certificate from a CA it trusts: here
    // the test CA alone, as an operator's [custom_domains] trust_anchors would say.
    Path ca = tls.resolve("ca.pem");
    cloud = new CloudFixture(work, "simulation", c -> c.withDomainTrustAnchors(ca));
  }

  @AfterAll
  void stopOperator() throws Exception {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void localtestRunsTheExamplesOwnTests() {
    MseCli.Run run = cloud.cli("home", "localtest", "--project", project.toString()).succeeded();
    assertThat(run.out())
        .contains("hello-owner runs at https://127.0.0.1:")
        .contains("tests passed");
  }

  @Test
  void deployedWithTheOwnersCertificateUsersTrustingOnlyTheTestCaReachTheApp() throws Exception {
    JsonNode app =
        Json.MAPPER.readTree(
            cloud
                .cli(
                    "cloud",
                    "deploy",
                    "--path",
                    project.resolve("mse.toml").toString(),
                    "--allow-simulation",
                    "--json",
                    "-y")
                .succeeded()
                .out());
    assertThat(app.path("ssl_origin").asString()).isEqualTo("owner");
    assertThat(app.path("domain").asString()).isEqualTo(DOMAIN);
    String port = Integer.toString(cloud.proxyPort());
    String url = "https://" + DOMAIN + ":" + port + "/";

    // Users trust the test CA and nothing else; curl reaches *.localhost on loopback, the SNI
    // proxy passes the connection through to the app, which serves the owner's certificate.
    assertThat(
            CloudFixture.curl("--cacert", tls.resolve("ca.pem").toString(), url).succeeded().out())
        .contains(HELLO);
    // With the usual CAs only, the certificate is not trusted (curl: 60).
    assertThat(CloudFixture.curl(url).exitCode()).isEqualTo(60);
    X509Certificate leaf =
        X509Codec.certificates(Files.readAllBytes(tls.resolve("fullchain.pem"))).getFirst();
    X509Certificate served =
        ServedCertificate.fetch("the app", "127.0.0.1", cloud.proxyPort(), Optional.of(DOMAIN));
    assertThat(served).isEqualTo(leaf);

    // Users can still verify the enclave at its enclave name, with the code fingerprint...
    String enclave = app.path("enclave_domain").asString() + ":" + port;
    MseCli.Run atEnclave =
        cloud
            .cli(
                "cloud",
                "verify",
                enclave,
                "--fingerprint",
                app.path("code_sha256").asString(),
                "--allow-simulation",
                "--output",
                work.resolve("enclave.pem").toString())
            .succeeded();
    assertThat(atEnclave.out()).contains("trust:        owner");
    // ...and at the domain: fresh evidence from the enclave names the owner's key served there.
    Path domainCert = work.resolve("domain.pem");
    cloud
        .cli(
            "cloud",
            "verify",
            DOMAIN + ":" + port,
            "--enclave",
            enclave,
            "--fingerprint",
            app.path("code_sha256").asString(),
            "--allow-simulation",
            "--output",
            domainCert.toString())
        .succeeded();
    assertThat(Files.readString(domainCert)).isEqualTo(ServedCertificate.pem(leaf));

    // The example's tests against the deployed app, trusting the test CA (tls/ca.pem).
    assertThat(
            cloud
                .cli("cloud", "test", app.path("app_id").asString(), "--allow-simulation")
                .succeeded()
                .out())
        .contains("tests passed");

    // The key left this machine only sealed to the enclave: no trace of it on the operator's
    // side, in any encoding that holds its private scalar or its PEM text.
    List<byte[]> secrets = keyTraces(tls.resolve("privkey.pem"));
    List<Path> files = new ArrayList<>(CloudFixture.files(cloud.config.dataDir()));
    if (!cloud.operator.nodesDir().startsWith(cloud.config.dataDir())) {
      files.addAll(CloudFixture.files(cloud.operator.nodesDir()));
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      byte[] content = Files.readAllBytes(f);
      for (byte[] secret : secrets) {
        assertThat(Bytes.contains(content, secret)).as("the owner's key in %s", f).isFalse();
      }
    }
    String logs = cloud.cli("cloud", "logs", app.path("app_id").asString()).succeeded().out();
    assertThat(logs).contains("hello-owner listening");
    for (byte[] secret : secrets) {
      assertThat(Bytes.contains(logs.getBytes(StandardCharsets.ISO_8859_1), secret)).isFalse();
    }
    cloud.cli("cloud", "stop", app.path("app_id").asString()).succeeded();
  }

  @Test
  void theHomeVariantServesTheCertificateOnceItsKeyIsSealedToTheVerifiedEnclave() throws Exception {
    Path pkgDir = work.resolve("home-pkg");
    cloud
        .cli("home", "package", "--project", project.toString(), "--output", pkgDir.toString())
        .succeeded();
    Path packageFile;
    try (Stream<Path> s = Files.list(pkgDir)) {
      packageFile = s.filter(f -> f.toString().endsWith(".tar")).findFirst().orElseThrow();
    }
    int port = LoopbackPorts.free();
    int enclavePort = LoopbackPorts.free();
    Path node = work.resolve("home-node");
    try {
      cloud
          .cli(
              "home",
              "spawn",
              "hello-owner",
              "--package",
              packageFile.toString(),
              "--san",
              DOMAIN,
              "--port",
              Integer.toString(port),
              "--enclave-port",
              Integer.toString(enclavePort),
              "--host",
              "127.0.0.1",
              "--size",
              "1024",
              // within the certificate's 30 days (spawn refuses to outlive it)
              "--days",
              "20",
              "--certificate",
              tls.resolve("fullchain.pem").toString(),
              "--output",
              node.toString(),
              "--runtime",
              CloudFixture.RUNTIME.toString())
          .succeeded();
      Path verified = work.resolve("home-verified");
      cloud
          .cli(
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
              CloudFixture.RUNTIME.toString())
          .succeeded();
      // The code key is the one 'home package' kept for this package.
      Path sealed = work.resolve("home-app.seal");
      cloud
          .cli(
              "home",
              "seal",
              "--receiver-enclave",
              verified.resolve("ratls.pem").toString(),
              "--output",
              sealed.toString(),
              "--ssl-private-key",
              tls.resolve("privkey.pem").toString())
          .succeeded();
      cloud.cli("home", "run", "hello-owner", "--sealed-secrets", sealed.toString()).succeeded();
      String url = "https://" + DOMAIN + ":" + port + "/";
      assertThat(
              CloudFixture.curl("--cacert", tls.resolve("ca.pem").toString(), url)
                  .succeeded()
                  .out())
          .contains(HELLO);
      Path user = work.resolve("home-user");
      cloud
          .cli(
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
              CloudFixture.RUNTIME.toString(),
              "--app",
              "127.0.0.1:" + port,
              "--enclave-port",
              Integer.toString(enclavePort))
          .succeeded();
      X509Certificate leaf =
          X509Codec.certificates(Files.readAllBytes(tls.resolve("fullchain.pem"))).getFirst();
      assertThat(Files.readString(user.resolve("cert.pem"))).isEqualTo(ServedCertificate.pem(leaf));
      List<byte[]> secrets = keyTraces(tls.resolve("privkey.pem"));
      for (Path f : CloudFixture.files(node)) {
        byte[] content = Files.readAllBytes(f);
        for (byte[] secret : secrets) {
          assertThat(Bytes.contains(content, secret)).as("the owner's key in %s", f).isFalse();
        }
      }
    } finally {
      cloud.cli("home", "stop", "hello-owner", "--remove");
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedAtDeployWithOneLine() throws Exception {
    Path otherKey = tls.resolve("other-key.pem");
    Process genpkey =
        new ProcessBuilder(
                "openssl",
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                otherKey.toString())
            .redirectErrorStream(true)
            .start();
    genpkey.getInputStream().readAllBytes();
    assertThat(genpkey.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(genpkey.exitValue()).isZero();

    MseCli.Run refused = deployWith("mse-other-key.toml", "tls/other-key.pem", "tls/fullchain.pem");
    assertThat(oneLine(refused))
        .isEqualTo("mse: " + otherKey + " is not the key of " + tls.resolve("fullchain.pem"));
  }

  @Test
  void anExpiredCertificateIsRefusedAtDeployWithOneLine() throws Exception {
    // The same name and key, issued by the test CA, valid until a month ago.
    X509Certificate ca =
        X509Codec.certificates(Files.readAllBytes(tls.resolve("ca.pem"))).getFirst();
    X509Certificate leaf =
        X509Codec.certificates(Files.readAllBytes(tls.resolve("fullchain.pem"))).getFirst();
    Instant now = Instant.now();
    X509Certificate expired =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        ca,
                        BigInteger.valueOf(now.toEpochMilli()),
                        Date.from(now.minus(Duration.ofDays(60))),
                        Date.from(now.minus(Duration.ofDays(30))),
                        leaf.getSubjectX500Principal(),
                        leaf.getPublicKey())
                    .copyAndAddExtension(
                        org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
                        false,
                        new X509CertificateHolder(leaf.getEncoded()))
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA")
                            .build(privateKey(tls.resolve("ca-key.pem")))));
    Path chain = tls.resolve("expired-fullchain.pem");
    Files.writeString(chain, ServedCertificate.pem(expired) + ServedCertificate.pem(ca));

    MseCli.Run refused =
        deployWith("mse-expired.toml", "tls/privkey.pem", "tls/expired-fullchain.pem");
    assertThat(oneLine(refused))
        .startsWith("mse: " + chain + ": the certificate CN=" + DOMAIN + " expired at ");
  }

  /**
   * Deploys the example with another {@code [cloud.ssl]} key and certificate, expecting a refusal;
   * checks that nothing reached the operator.
   */
  private MseCli.Run deployWith(String tomlName, String key, String certificate) throws Exception {
    String toml =
        Files.readString(project.resolve("mse.toml"))
            .replace("\"tls/privkey.pem\"", "\"" + key + "\"")
            .replace("\"tls/fullchain.pem\"", "\"" + certificate + "\"");
    Path file = Files.writeString(project.resolve(tomlName), toml);
    List<String> before = appIds();
    MseCli.Run run =
        cloud
            .cli("cloud", "deploy", "--path", file.toString(), "--allow-simulation", "-y")
            .failed();
    assertThat(appIds()).isEqualTo(before);
    return run;
  }

  /** Every app of the account, stopped ones included. */
  private List<String> appIds() throws Exception {
    List<String> ids = new ArrayList<>();
    Json.MAPPER
        .readTree(cloud.cli("cloud", "list", "--all", "--json").succeeded().out())
        .forEach(a -> ids.add(a.path("id").asString()));
    return ids.stream().sorted().toList();
  }

  /** The one line a refusal prints (and nothing on standard output, no stack trace). */
  private static String oneLine(MseCli.Run run) {
    assertThat(run.out()).isEmpty();
    List<String> lines = run.err().strip().lines().toList();
    assertThat(lines).as(run.err()).hasSize(1);
    return lines.getFirst();
  }

  /** The private scalar of a PEM key (32 bytes) and each full line of its PEM text. */
  private static List<byte[]> keyTraces(Path pem) throws Exception {
    List<byte[]> traces = new ArrayList<>();
    ECPrivateKey key = (ECPrivateKey) privateKey(pem);
    traces.add(BigIntegers.asUnsignedByteArray(32, key.getS()));
    String text = Files.readString(pem);
    text.lines()
        .filter(l -> !l.startsWith("-----"))
        .forEach(l -> traces.add(l.getBytes(StandardCharsets.US_ASCII)));
    traces.add(Base64.getEncoder().encode(key.getEncoded()));
    return traces;
  }

  private static PrivateKey privateKey(Path pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(pem)))) {
      return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
    }
  }

  /**
   * Copies the example without its build output or any earlier test CA, following the links to the
   * repository's Maven wrapper ({@code cp -rL}), keeping the scripts executable.
   */
  private static Path copyOfExample(Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(EXAMPLE)) {
      for (Path from : walk.toList()) {
        Path relative = EXAMPLE.relativize(from);
        String top = relative.getNameCount() == 0 ? "" : relative.getName(0).toString();
        if (top.equals("target") || top.equals("build") || top.equals("tls")) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(target);
        } else {
          Files.copy(from, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }
}
