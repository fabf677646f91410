package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.X25519KeyPair;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The build's training run for the runtime's ahead-of-time cache (JDK 25, JEP 483/514/515: classes
 * loaded and linked, heap objects, method profiles): starts the real runtime distribution as a
 * process with {@code -XX:AOTCacheOutput}, a throw-away package and no app (the cache must only
 * ever hold the runtime's own classes), asks it for its status and evidence over TLS, and stops it;
 * as it exits the JVM assembles the cache (in a child JVM it starts and waits for). A build tool in
 * the tests' class path: nothing of it is in the runtime's distribution.
 *
 * <p>The training JVM uses the collector runtimes are started with ({@code RuntimeMemory} in the
 * operator: Serial): the cache's heap objects and linked classes are made for it. Runtimes of other
 * heap sizes use the same cache (the JVM relocates its heap objects).
 */
public final class RuntimeTraining {
  private RuntimeTraining() {}

  /**
   * @param args the runtime distribution's directory, and the cache to write
   */
  public static void main(String[] args) throws Exception {
    Path runtime = Path.of(args[0]);
    Path archive = Path.of(args[1]);
    Files.createDirectories(archive.getParent());
    Path work = Files.createTempDirectory("mse-training");
    try {
      train(runtime, archive, work);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    System.out.println("mse runtime training run done: " + archive);
  }

  private static void train(Path runtime, Path archive, Path work) throws Exception {
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
    Files.write(work.resolve("package.tar"), pkg.toBytes());
    Files.write(work.resolve("deployment.json"), config.toCanonicalJson());
    int port = freePort();
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:AOTCacheOutput=" + archive,
                    // no method profiles: a run without any app profiles the JDK's TLS and NIO code
                    // as the runtime alone uses it (replayed, they made a Spring Boot app's
                    // compiled code 6 % slower, session 14), and runtimes replay none (jvm.args)
                    "-XX:+UnlockDiagnosticVMOptions",
                    "-XX:-AOTRecordTraining",
                    // what the JVM does not cache (JFR event classes, proxies, lambda forms) it
                    // says once per class: not the build's business
                    "-Xlog:aot=error,cds=error",
                    "-XX:+UseSerialGC",
                    "-Xmx320m", // the heap of the smallest offer (1024 MB)
                    "@" + runtime.resolve("jvm.args"),
                    "-jar",
                    runtime.resolve("mse-enclave-launcher.jar").toString(),
                    "--config",
                    work.resolve("deployment.json").toString(),
                    "--package",
                    work.resolve("package.tar").toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--app-port",
                    Integer.toString(freePort()),
                    "--state-dir",
                    work.resolve("state").toString(),
                    "--secrets-dir",
                    work.resolve("secrets").toString(),
                    "--tee",
                    "simulation"))
            .inheritIO()
            .start();
    try {
      // Trusts anything: this client only exercises the runtime's code paths, it verifies nothing.
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(trustingContext())
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      for (String path : List.of("status", "evidence?nonce=00", "nothing")) {
        send(client, process, URI.create("https://127.0.0.1:" + port + "/.well-known/mse/" + path));
      }
    } finally {
      process.destroy();
      // the JVM assembles the cache as it exits: seconds, more on a busy machine
      if (!process.waitFor(180, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("the training runtime did not stop");
      }
    }
  }

  /** One GET, retried until the runtime listens (30 s at most). */
  private static void send(HttpClient client, Process process, URI uri) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
        return;
      } catch (java.io.IOException notYet) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the training runtime does not answer " + uri, notYet);
        }
        Thread.sleep(100);
      }
    }
  }

  /** Trusts any server, names unchecked (an extended trust manager does its own name checks). */
  private static SSLContext trustingContext() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(
        null,
        new TrustManager[] {
          new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type, Socket s) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type, Socket s) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type, SSLEngine e) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type, SSLEngine e) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return tls;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
