package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.operator.node.runtime.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Real Java apps, unmodified, through both ways of running them: the apps of {@code examples/}
 * (Spring Boot executable jar, Quarkus fast-jar, Helidon SE, Micronaut, Javalin with {@code
 * MseTls}; built from Maven Central by their own wrapper, staged by the CLI) and the scaffold. Each
 * is deployed with {@code mse cloud deploy}, verified with {@code mse cloud verify} (the
 * certificate the app serves at its name, vouched for by fresh evidence from its enclave name),
 * called with curl trusting only that certificate; Spring Boot, Quarkus and the scaffold are then
 * spawned, provisioned and verified with {@code mse home} (the app's port and the runtime's port)
 * and called the same way. Spring Boot also answers over HTTP/2 and echoes on a WebSocket inside
 * the runtime.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealAppsTest {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  // A name the JDK's HTTP client reaches without a resolver of its own (WebSocket, HTTP/2 below).
  private static final String SAN = "localhost";

  /** The apps issue 13 names for both ways; the other frameworks go through mse cloud only. */
  private static final java.util.Set<String> THROUGH_HOME =
      java.util.Set.of("spring-boot", "quarkus", "scaffold");

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

  static Stream<Arguments> apps() {
    return Stream.of(
        Arguments.of(
            "spring-boot",
            "Hello from Spring Boot",
            "staged a Spring Boot executable jar: app.jar"),
        Arguments.of(
            "quarkus",
            "Hello from Quarkus",
            "staged a Quarkus fast-jar: quarkus-app/quarkus-run.jar, main class"
                + " io.quarkus.bootstrap.runner.QuarkusEntryPoint"),
        Arguments.of("helidon", "Hello from Helidon", "staged a jar with its libraries: app.jar"),
        Arguments.of("micronaut", "Hello from Micronaut", "staged a "),
        Arguments.of("javalin", "Hello from Javalin", "staged a jar with its libraries: app.jar"),
        Arguments.of(
            "scaffold", "Hello from scaffolded", "staged a jar with its libraries: app.jar"));
  }

  private Path project(String name) {
    if (name.equals("scaffold")) {
      return cloud.scaffold("scaffolded");
    }
    Path project = EXAMPLES.resolve(name);
    assumeTrue(Files.isRegularFile(project.resolve("mse.toml")), "no " + project);
    return project;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void deploysVerifiesAndAnswersThroughCloudAndHome(String name, String greeting, String staged)
      throws Exception {
    Path project = project(name);

    // mse cloud: deploy, verify the certificate served at the app's name, call it.
    MseCli.Run deployed =
        cloud
            .cli(
                "cloud",
                "deploy",
                "--path",
                project.resolve("mse.toml").toString(),
                "--allow-simulation",
                "--json",
                "-y")
            .succeeded();
    // Staged as it runs: a Spring Boot jar alone (its libraries nested), the Quarkus directory.
    assertThat(deployed.err()).contains(staged);
    // Progress while waiting: each state the app goes through.
    assertThat(deployed.err()).contains("is initializing").contains("is running");
    JsonNode app = Json.MAPPER.readTree(deployed.out());
    String hostPort = app.path("domain").asString() + ":" + cloud.proxyPort();
    Path cert = work.resolve(name + "-cloud.pem");
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
    assertThat(CloudFixture.curl("--cacert", cert.toString(), "https://" + hostPort + "/").out())
        .contains(greeting);
    cloud.cli("cloud", "stop", app.path("app_id").asString()).succeeded();
    if (!THROUGH_HOME.contains(name)) {
      return; // the runtime already ran it; mse home's path is the same for every app (CI's time)
    }

    // mse home: package, spawn (the app's port and the runtime's), verify, seal, run, verify the
    // app's certificate, call it.
    Path pkgDir = work.resolve(name + "-pkg");
    cloud
        .cli("home", "package", "--project", project.toString(), "--output", pkgDir.toString())
        .succeeded();
    Path packageFile;
    Path keyFile;
    try (Stream<Path> s = Files.list(pkgDir)) {
      List<Path> files = s.toList();
      packageFile = files.stream().filter(f -> f.toString().endsWith(".tar")).findFirst().get();
      keyFile = files.stream().filter(f -> f.toString().endsWith(".key")).findFirst().get();
    }
    int port = LoopbackPorts.free();
    int enclavePort = LoopbackPorts.free();
    Path node = work.resolve(name + "-node");
    String home = "real-" + name;
    try {
      cloud
          .cli(
              "home",
              "spawn",
              home,
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
              "4096",
              "--days",
              "20",
              "--output",
              node.toString(),
              "--runtime",
              CloudFixture.RUNTIME.toString())
          .succeeded();
      Path provider = work.resolve(name + "-provider");
      cloud
          .cli(
              "home",
              "verify",
              "--evidence",
              node.resolve("evidence.json").toString(),
              "--package",
              packageFile.toString(),
              "--output",
              provider.toString(),
              "--allow-simulation",
              "--runtime",
              CloudFixture.RUNTIME.toString())
          .succeeded();
      Path secrets = Files.writeString(work.resolve(name + "-secrets.json"), "{}\n");
      Path sealed = work.resolve(name + "-sealed");
      cloud
          .cli(
              "home",
              "seal",
              "--input",
              secrets.toString(),
              "--receiver-enclave",
              provider.resolve("ratls.pem").toString(),
              "--output",
              sealed.toString(),
              "--code-key",
              keyFile.toString())
          .succeeded();
      cloud.cli("home", "run", home, "--sealed-secrets", sealed.toString()).succeeded();
      Path user = work.resolve(name + "-user");
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
      assertThat(
              CloudFixture.curl(
                      "--cacert",
                      user.resolve("cert.pem").toString(),
                      "--resolve",
                      SAN + ":" + port + ":127.0.0.1",
                      "https://" + SAN + ":" + port + "/")
                  .out())
          .contains(greeting);
      if (name.equals("spring-boot")) {
        assertHttp2AndWebSocket(user.resolve("cert.pem"), port);
      }
    } finally {
      cloud.cli("home", "stop", home, "--remove");
    }
  }

  /** HTTP/2 by ALPN and a WebSocket echo, both served by the app itself inside the runtime. */
  private static void assertHttp2AndWebSocket(Path cert, int port) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (var in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "app", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    HttpClient client =
        HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build();
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("https://" + SAN + ":" + port + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r.body()).contains("Hello from Spring Boot");
      CompletableFuture<String> echoed = new CompletableFuture<>();
      WebSocket ws =
          client
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("wss://" + SAN + ":" + port + "/echo"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                        WebSocket socket, CharSequence data, boolean last) {
                      echoed.complete(data.toString());
                      socket.request(1);
                      return null;
                    }
                  })
              .get(20, TimeUnit.SECONDS);
      ws.sendText("ping through the enclave", true).get(20, TimeUnit.SECONDS);
      assertThat(echoed.get(20, TimeUnit.SECONDS)).contains("ping through the enclave");
      ws.abort();
    } finally {
      // close() would wait for every exchange to end; nothing here must outlive the check.
      client.shutdownNow();
    }
  }
}
