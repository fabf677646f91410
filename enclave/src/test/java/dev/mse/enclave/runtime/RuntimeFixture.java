package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.enclave.app.TestJars;
import dev.mse.protocol.deploy.AppTls;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.X25519KeyPair;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** An owner, a packaged test app and a deployment config, as the home flow makes them. */
final class RuntimeFixture {
  static final String APP_SOURCE =
      """
      package demo;
      import com.sun.net.httpserver.HttpServer;
      import java.net.InetSocketAddress;
      import java.nio.file.Files;
      import java.nio.file.Path;
      public class App {
        public static void main(String[] args) throws Exception {
          int port = Integer.getInteger("server.port");
          HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
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
  final byte[] appJar;

  RuntimeFixture(Path work) throws Exception {
    appJar = TestJars.jar(Map.of("demo.App", APP_SOURCE), Map.of(), "demo.App");
    Path code = Files.createDirectories(work.resolve("code"));
    Files.write(code.resolve("app.jar"), appJar);
    appPackage =
        AppPackage.create(
            "hello", "demo.App", Optional.empty(), "/health", CodeArchive.create(code), codeKey);
    config =
        new DeploymentConfig(
            appId,
            "hello",
            "demo.App",
            Optional.empty(),
            "/health",
            SslOrigin.SELF,
            "localhost",
            Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS),
            ByteString.of(owner.publicKey().toByteArray()),
            appPackage.packageSha256(),
            Optional.empty(),
            AppTls.APP);
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
        Duration.ofSeconds(30));
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static AttestationClaims.State state(String wire) {
    return AttestationClaims.State.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
  }
}
