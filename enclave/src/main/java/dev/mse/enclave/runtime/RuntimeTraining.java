package dev.mse.enclave.runtime;

import com.sun.net.httpserver.HttpServer;
import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.enclave.appnet.AppPorts;
import dev.mse.enclave.tee.SimulationBackend;
import dev.mse.protocol.deploy.AppTls;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.X25519KeyPair;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A training run for the runtime's class-data sharing archive, made at build time with {@code
 * -XX:ArchiveClassesAtExit}: it starts a runtime with a throw-away package (no app code: the
 * archive must only ever hold the runtime's own classes), makes one TLS request to it, and stops.
 * Started runtimes then map the archive read-only, which saves class loading at start.
 */
public final class RuntimeTraining {
  private RuntimeTraining() {}

  /**
   * @param args the directory the JVM writes the archive into at exit (made here)
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 1) {
      Files.createDirectories(Path.of(args[0]));
    }
    Path work = Files.createTempDirectory("mse-training");
    Path code = Files.createDirectories(work.resolve("code"));
    Files.writeString(code.resolve("README.txt"), "training run: no app");
    X25519KeyPair owner = X25519KeyPair.generate();
    AppPackage pkg =
        AppPackage.create(
            "training",
            "training.Main",
            Optional.empty(),
            "/health",
            CodeArchive.create(code),
            PackageKey.generate());
    DeploymentConfig config =
        new DeploymentConfig(
            UUID.randomUUID(),
            "training",
            "training.Main",
            Optional.empty(),
            "/health",
            SslOrigin.SELF,
            "localhost",
            Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS),
            ByteString.of(owner.publicKey().toByteArray()),
            pkg.packageSha256(),
            Optional.empty(),
            AppTls.APP);
    RuntimeOptions options =
        new RuntimeOptions(
            "127.0.0.1",
            0,
            1,
            work.resolve("state"),
            work.resolve("secrets"),
            RuntimeMain.VERSION,
            Duration.ofMinutes(1),
            Duration.ofSeconds(1));
    var tee =
        new SimulationBackend(
            ByteString.of(new byte[32]), work.resolve("sim.key"), Clock.systemUTC());
    try (EnclaveRuntime runtime = EnclaveRuntime.start(options, tee, config, pkg)) {
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(
                  RaTlsSslContexts.client(
                      RaTlsTrustManager.builder(
                              AppraisalPolicy.defaults().withAllowSimulation(true))
                          .serverName("localhost")
                          .build()))
              .build();
      client.send(
          HttpRequest.newBuilder(
                  URI.create("https://localhost:" + runtime.port() + "/.well-known/mse/status"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
    if (AppPorts.available()) {
      appNetwork();
    }
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    System.out.println("mse runtime training run done");
  }

  /**
   * One request through the app network to the JDK's HTTP server (the JDK's classes, which apps
   * such as the scaffolded one use; no app code).
   */
  private static void appNetwork() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    AppPorts.expect(port);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    server.start();
    try (SocketChannel connection = AppPorts.open(port).orElseThrow()) {
      connection.write(
          ByteBuffer.wrap(
              "GET / HTTP/1.1\r\nHost: training\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII)));
      // Read to the end on a thread of its own: a build must not hang on it (closing ends it).
      Thread reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      connection.socket().getInputStream().readAllBytes();
                    } catch (IOException ignored) {
                      // Closed below after the wait.
                    }
                  });
      reader.join(10_000);
    } finally {
      server.stop(0);
    }
  }
}
