package dev.mse.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.cli.MseCli;
import dev.mse.cli.owner.LocalTls;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.protocol.config.MseToml;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example apps under {@code examples/} (real frameworks from Maven Central), each built with
 * its own wrapper as a user would build it, then started as a plain JVM with the system properties
 * and environment the mse runtime sets (a fresh self-signed certificate and key in place of the
 * enclave's), and called over HTTPS by a client that trusts that certificate and nothing else: each
 * serves its own TLS with the identity it was handed, with no TLS code (Spring Boot, Quarkus,
 * Helidon) or with {@code MseTls} (Javalin).
 */
class ExampleAppsTest {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  private static final String HOST = "127.0.0.1";

  /** Bounds the wait for a start (a bound, not a timing assertion: starts take seconds). */
  private static final Duration START_LIMIT = Duration.ofMinutes(3);

  @TempDir static Path work;
  private static LocalTls tls;
  private static SSLContext trustingOnlyIt;

  private Process app;
  private Path log;

  @BeforeAll
  static void identity() throws IOException, GeneralSecurityException {
    tls = LocalTls.create(work);
    trustingOnlyIt = tls.trustingOnlyIt();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (app != null) {
      app.destroy();
      if (!app.waitFor(20, TimeUnit.SECONDS)) {
        app.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void springBootServesItsOwnHttpsHttp2AndAWebSocketEcho() throws Exception {
    Path project = build("spring-boot");
    int port =
        start(
            "spring-boot",
            List.of("-jar", project.resolve("target/hello-spring-boot-0.1.0.jar").toString()));
    String base = "https://" + HOST + ":" + port;
    servesHelloOverHttp2(base, "Hello from Spring Boot");

    // The WebSocket echo, over the same TLS (HTTP/1.1 upgrade).
    CompletableFuture<String> echoed = new CompletableFuture<>();
    try (HttpClient client = client()) {
      WebSocket socket =
          client
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("wss://" + HOST + ":" + port + "/echo"),
                  new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      text.append(data);
                      if (last) {
                        echoed.complete(text.toString());
                      }
                      webSocket.request(1);
                      return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                      echoed.completeExceptionally(error);
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      socket.sendText("ping over wss", true).get(30, TimeUnit.SECONDS);
      assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo("ping over wss");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
    }
  }

  /** The examples that need nothing beyond HTTPS over HTTP/2: name, jar, first words of `/`. */
  static Stream<Arguments> frameworks() {
    return Stream.of(
        Arguments.of("quarkus", "target/quarkus-app/quarkus-run.jar", "Hello from Quarkus"),
        Arguments.of("helidon", "target/hello-helidon.jar", "Hello from Helidon"),
        Arguments.of("micronaut", "target/hello-micronaut-0.1.0.jar", "Hello from Micronaut"),
        // Javalin builds its own Jetty server: it takes its TLS from MseTls.
        Arguments.of("javalin", "target/hello-javalin.jar", "Hello from Javalin"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frameworks")
  void servesItsOwnHttpsAndHttp2(String name, String jar, String hello) throws Exception {
    Path project = build(name);
    int port = start(name, List.of("-jar", project.resolve(jar).toString()));
    servesHelloOverHttp2("https://" + HOST + ":" + port, hello);
  }

  /** {@code /health} answers 200 and {@code /} the hello, both over HTTP/2 with our certificate. */
  private static void servesHelloOverHttp2(String base, String hello) throws Exception {
    try (HttpClient client = client()) {
      HttpResponse<String> health = get(client, base + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
      HttpResponse<String> root = get(client, base + "/");
      assertThat(root.statusCode()).isEqualTo(200);
      assertThat(root.body()).startsWith(hello).contains("running in a TEE");
    }
    // The certificate served is the one handed over, not one a public CA signed.
    try (HttpClient defaults = HttpClient.newHttpClient()) {
      assertThatThrownBy(() -> get(defaults, base + "/health"))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  private static HttpClient client() {
    return HttpClient.newBuilder()
        .sslContext(trustingOnlyIt)
        .version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpResponse<String> get(HttpClient client, String url)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Builds {@code examples/<name>} as its README says, and prints how long it took. */
  /**
   * {@code mse home localtest}, as a code provider runs it: builds the example, starts it as the
   * runtime would with a throwaway certificate, and runs the example's own {@code tests_cmd}
   * against it, which must pass (and fails if the app answers another greeting or no health).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"spring-boot", "quarkus"})
  void localtestRunsTheExampleAndItsOwnTests(String name) {
    MseCli.Run run =
        MseCli.run(
                work.resolve("conf-" + name),
                "home",
                "localtest",
                "--project",
                EXAMPLES.resolve(name).toString())
            .succeeded();
    assertThat(run.out()).contains("runs at https://127.0.0.1:").contains("tests passed");
  }

  private static Path build(String name) throws Exception {
    Path project = EXAMPLES.resolve(name);
    MseToml toml = MseToml.read(project.resolve(MseToml.FILE_NAME));
    assertThat(toml.healthcheckEndpoint()).isEqualTo("/health");
    Path buildLog = work.resolve(name + "-build.log");
    ProcessBuilder pb =
        new ProcessBuilder("./mvnw", "-B", "-ntp", "-q", "package", "-DskipTests")
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(buildLog.toFile());
    // The example builds on its own, not as part of the Maven run that runs this test.
    pb.environment().keySet().removeIf(k -> k.startsWith("MAVEN_"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Instant begin = Instant.now();
    int exit = pb.start().waitFor();
    long seconds = Duration.between(begin, Instant.now()).toSeconds();
    System.out.println("examples/" + name + " built in " + seconds + " s");
    assertThat(exit)
        .as("build of examples/%s:%n%s", name, Files.readString(buildLog, StandardCharsets.UTF_8))
        .isZero();
    return project;
  }

  /**
   * Starts the built app as the runtime would (its TLS identity in system properties and the
   * environment) and waits until {@code /health} answers over HTTPS; returns the port.
   */
  private int start(String name, List<String> launch) throws Exception {
    int port = LoopbackPorts.free();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(tls.javaOptions(HOST, port));
    command.addAll(launch);
    log = work.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.putAll(tls.environment(port));
    app = pb.start();
    Instant deadline = Instant.now().plus(START_LIMIT);
    try (HttpClient client = client()) {
      while (true) {
        assertThat(app.isAlive()).as(() -> name + " stopped:\n" + output()).isTrue();
        try {
          if (get(client, "https://" + HOST + ":" + port + "/health").statusCode() == 200) {
            return port;
          }
        } catch (IOException e) {
          // Not listening yet.
        }
        assertThat(Instant.now())
            .as(() -> name + " did not answer /health over HTTPS:\n" + output())
            .isBefore(deadline);
        Thread.sleep(250);
      }
    }
  }

  /** The end of the app's output. */
  private String output() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
