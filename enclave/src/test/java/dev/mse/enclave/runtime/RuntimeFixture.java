package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.app.MseTls;
import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.enclave.app.TestJars;
import dev.mse.enclave.tee.SimulationBackend;
import dev.mse.enclave.tee.TeeBackend;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.ProvisioningMessage;
import dev.mse.protocol.provisioning.ProvisioningSeal;
import dev.mse.protocol.provisioning.X25519KeyPair;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** An owner, a packaged test app and a deployment config, as the home flow makes them. */
final class RuntimeFixture {
  static final ByteString MEASUREMENT = ByteString.fromHex("ab".repeat(32));

  /**
   * The scaffold's shape: the JDK's HTTPS server with the TLS identity the runtime hands over
   * through {@link MseTls} (plain HTTP when the runtime terminates TLS).
   */
  static final String APP_SOURCE =
      """
      package demo;
      import com.sun.net.httpserver.HttpServer;
      import com.sun.net.httpserver.HttpsConfigurator;
      import com.sun.net.httpserver.HttpsServer;
      import dev.mse.app.MseTls;
      import java.net.InetSocketAddress;
      import java.nio.file.Files;
      import java.nio.file.Path;
      public class App {
        public static void main(String[] args) throws Exception {
          InetSocketAddress at = new InetSocketAddress(MseTls.host(), MseTls.port());
          HttpServer server;
          if (MseTls.enabled()) {
            HttpsServer https = HttpsServer.create(at, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
            server = https;
          } else {
            server = HttpServer.create(at, 0);
          }
          server.createContext("/health", ex -> { ex.sendResponseHeaders(200, 2); ex.getResponseBody().write("ok".getBytes()); ex.close(); });
          server.createContext("/hello", ex -> {
            String dir = System.getProperty("mse.test.secrets");
            String sealed = Files.exists(Path.of(dir, "sealed_secrets.json")) ? Files.readString(Path.of(dir, "sealed_secrets.json")) : "-";
            byte[] body = ("hello from the enclave; sealed secrets: " + sealed).getBytes();
            ex.sendResponseHeaders(200, body.length); ex.getResponseBody().write(body); ex.close();
          });
          server.start();
        }
      }
      """;

  final X25519KeyPair owner = X25519KeyPair.generate();
  final PackageKey codeKey = PackageKey.generate();
  final UUID appId = UUID.randomUUID();
  final AppPackage appPackage;
  final DeploymentConfig config;

  RuntimeFixture(Path work) throws Exception {
    this(work, APP_SOURCE, AppTls.APP);
  }

  /** A fixture whose app is {@code source} (class {@code demo.App}). */
  RuntimeFixture(Path work, String source, AppTls tls) throws Exception {
    this(work, appJar(source), tls);
  }

  /** A fixture whose package holds {@code app.jar}, of main class {@code demo.App}. */
  RuntimeFixture(Path work, byte[] appJar, AppTls tls) throws Exception {
    this(work, appJar, "demo.App", tls);
  }

  /** A fixture whose package holds {@code app.jar}, with {@code java_application = mainClass}. */
  RuntimeFixture(Path work, byte[] appJar, String mainClass, AppTls tls) throws Exception {
    Path code = Files.createDirectories(work.resolve("code"));
    Files.write(code.resolve("app.jar"), appJar);
    appPackage =
        AppPackage.create(
            "hello", mainClass, Optional.empty(), "/health", CodeArchive.create(code), codeKey);
    config =
        new DeploymentConfig(
            appId,
            "hello",
            mainClass,
            Optional.empty(),
            "/health",
            SslOrigin.SELF,
            "localhost",
            Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS),
            ByteString.of(owner.publicKey().toByteArray()),
            appPackage.packageSha256(),
            Optional.empty(),
            tls);
  }

  /** The jar of an app of class {@code demo.App}, with the mse helper inside it. */
  static byte[] appJar(String source) {
    return TestJars.jar(
        Map.of("demo.App", source), Map.of(), Map.of(), "demo.App", List.of(MseTls.class));
  }

  RuntimeOptions options(Path work) throws Exception {
    Path secrets = work.resolve("secrets");
    System.setProperty("mse.test.secrets", secrets.toString());
    return new RuntimeOptions(
        "127.0.0.1",
        0,
        freePort(),
        work.resolve("state"),
        secrets,
        "mse-runtime/test",
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        Optional.empty());
  }

  static SimulationBackend simulation(Path work) {
    return new SimulationBackend(MEASUREMENT, work.resolve("sim.key"), Clock.systemUTC());
  }

  /** A client that trusts only this fixture's enclave (its evidence shows package and config). */
  HttpClient client() {
    return HttpClient.newBuilder()
        .sslContext(RaTlsSslContexts.client(trustManager()))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  RaTlsTrustManager trustManager() {
    return RaTlsTrustManager.builder(AppraisalPolicy.defaults().withAllowSimulation(true))
        .options(
            RaTlsOptions.none()
                .withAppId(appId)
                .withPackageSha256(appPackage.packageSha256())
                .withConfigSha256(config.sha256()))
        .serverName("localhost")
        .build();
  }

  /** Starts a runtime, provisions it directly and waits until it runs or failed. */
  EnclaveRuntime startedAndProvisioned(RuntimeOptions options, TeeBackend tee) throws Exception {
    EnclaveRuntime runtime = EnclaveRuntime.start(options, tee, config, appPackage);
    if (runtime.status().state() != State.WAITING) {
      return runtime;
    }
    AttestationClaims claims =
        runtime
            .evidence()
            .claims(
                runtime.attested().chain().getFirst().getPublicKey(),
                State.WAITING,
                Optional.empty(),
                Optional.empty());
    runtime.provision(
        ProvisioningSeal.seal(
            new ProvisioningMessage(
                appId, codeKey, Optional.empty(), Optional.empty(), Optional.empty()),
            owner,
            X25519PublicKey.of(claims.hpkePublicKey().toByteArray()),
            config.sha256()),
        Optional.empty());
    for (int i = 0; i < 1200 && runtime.status().state() == State.INITIALIZING; i++) {
      Thread.sleep(50);
    }
    return runtime;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static AttestationClaims.State state(String wire) {
    return AttestationClaims.State.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * A directory that behaves as Gramine's {@code /dev/attestation} for {@code GramineSgxBackend},
   * for one quote (the RA-TLS certificate's, at start): its {@code quote} (a pipe) answers the
   * backend's read, which follows its write of the report data, with a quote over that data made by
   * the simulated TEE (so the evidence says simulated, as it is).
   */
  static Path gramineAttestation(Path work) throws Exception {
    Path dev = Files.createDirectories(work.resolve("dev-attestation"));
    Files.writeString(dev.resolve("attestation_type"), "dcap\n");
    Files.write(dev.resolve("user_report_data"), new byte[0]);
    Files.createDirectories(dev.resolve("keys"));
    Files.write(dev.resolve("keys/_sgx_mrenclave"), new byte[16]);
    Path quote = dev.resolve("quote");
    assertThat(new ProcessBuilder("mkfifo", quote.toString()).start().waitFor()).isZero();
    SimulationBackend quoting = simulation(work);
    Path reportData = dev.resolve("user_report_data");
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              // Opening the pipe for writing waits for the backend to open it for reading, which
              // it does once the report data is written.
              try (var out = Files.newOutputStream(quote)) {
                out.write(quoting.quote(ByteString.of(Files.readAllBytes(reportData))));
              } catch (Exception stopped) {
                // The test is over.
              }
            });
    return dev;
  }
}
