package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Page;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.cli.Json;
import dev.mse.cli.ProxyProcess;
import dev.mse.operator.Operator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.proxy.ProxyConfig;
import dev.mse.operator.proxy.RaTlsUpstreamTrust;
import dev.mse.operator.proxy.RouteTable;
import dev.mse.operator.proxy.SniProxy;
import dev.mse.operator.testing.Chromium;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * WebSocket through {@code mse proxy}: the Spring Boot example (its echo at {@code /echo}) deployed
 * by an operator (real runtime processes, simulated TEE) behind an SNI proxy that can lie, as in
 * {@link MseProxyTest}. A JDK client and a Chromium page get their echo through the proxy; once the
 * operator swaps the node behind the app's name, a new upgrade meets a certificate the app's
 * enclave does not vouch for and the browser's side gets a 502 with the reason, while a WebSocket
 * opened before the swap, on the connection verified then, keeps echoing.
 */
class MseProxyWebSocketTest {
  private static final Path SPRING_BOOT =
      Path.of("..", "examples", "spring-boot").toAbsolutePath().normalize();

  @TempDir Path work;

  @Test
  void webSocketsReachTheVerifiedAppAndNotASwappedOne() throws Exception {
    assumeTrue(Files.isRegularFile(SPRING_BOOT.resolve("mse.toml")), "no " + SPRING_BOOT);
    try (CloudFixture cloud = new CloudFixture(work);
        Chromium chromium = Chromium.start()) {
      JsonNode app = deploy(cloud, SPRING_BOOT);
      JsonNode decoy = deploy(cloud, cloud.scaffold("decoy"));
      String domain = app.path("domain").asString();
      Operator operator = cloud.operator.operator();
      AtomicBoolean swapped = new AtomicBoolean();
      RouteTable honest = operator.routes();
      RouteTable lying =
          name ->
              swapped.get() && name.equals(domain)
                  ? honest.route(decoy.path("domain").asString())
                  : honest.route(name);
      int liarPort = LoopbackPorts.free();
      try (SniProxy liar =
          new SniProxy(
                  ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", liarPort)),
                  lying,
                  new RaTlsUpstreamTrust(
                      AppraisalPolicy.defaults().withAllowSimulation(true),
                      r -> r.appId() + "." + cloud.config.appsDomain()),
                  operator.traffic())
              .start()) {
        int listen = LoopbackPorts.free();
        String base = "127.0.0.1:" + listen;
        try (ProxyProcess proxy =
                ProxyProcess.start(
                    cloud.conf,
                    domain + ":" + liarPort,
                    "--fingerprint",
                    app.path("code_sha256").asString(),
                    "--allow-simulation",
                    "--listen",
                    base,
                    "--evidence-cache-seconds",
                    "1");
            HttpClient client = HttpClient.newHttpClient()) {
          assertThat(proxy.awaitServing()).as(proxy.output()).isTrue();

          // A JDK client through the proxy: the app's own echo.
          Echo jdk = Echo.openOrExplain(client, "ws://" + base + "/echo", proxy);
          assertThat(jdk.roundTrip("ping through mse proxy")).isEqualTo("ping through mse proxy");

          // Chromium: the app's page through the proxy opens a WebSocket to its own origin (the
          // app's same-origin check passes: the proxy hands it the app's origin).
          Page page = chromium.newPage();
          assertThat(page.navigate("http://" + base + "/").status()).isEqualTo(200);
          assertThat(page.content()).contains("Hello from Spring Boot");
          Object echoed =
              page.evaluate(
                  "() => new Promise((resolve, reject) => {"
                      + " const ws = new WebSocket('ws://' + location.host + '/echo');"
                      + " ws.onopen = () => ws.send('hello from Chromium');"
                      + " ws.onmessage = e => { resolve(e.data); ws.close(); };"
                      + " ws.onerror = () => reject(new Error('WebSocket error'));"
                      + " })");
          assertThat(echoed).isEqualTo("hello from Chromium");
          Chromium.screenshot(page, "mse-proxy-websocket");

          // The operator swaps the node behind the name: a new upgrade is refused with the
          // reason, and the swapped node gets no request (its TLS handshake failed first).
          swapped.set(true);
          WebSocketHandshakeException refused = refusedUpgrade(client, "ws://" + base + "/echo");
          assertThat(refused.getResponse().statusCode()).isEqualTo(502);
          assertThat(String.valueOf(refused.getResponse().body()))
              .contains(domain + " is not verified")
              // The decoy's enclave vouches for its key only with claims naming the decoy.
              .contains("the enclave serves " + decoy.path("domain").asString())
              .contains("another app answered");
          assertThat(proxy.output()).contains("REFUSED, not forwarding");

          // The WebSocket opened before the swap stays on the connection verified then.
          assertThat(jdk.roundTrip("still the verified app")).isEqualTo("still the verified app");
          jdk.socket.abort();
        }
      }
    }
  }

  /** Upgrades until one is refused (the first after the swap should be; bounded, not timed). */
  private static WebSocketHandshakeException refusedUpgrade(HttpClient client, String url)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      try {
        Echo.open(client, url).socket.abort();
      } catch (ExecutionException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
          if (c instanceof WebSocketHandshakeException h) {
            return h;
          }
        }
        throw e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("upgrades to " + url + " still succeed after the swap");
  }

  private static JsonNode deploy(CloudFixture cloud, Path project) throws Exception {
    return Json.MAPPER.readTree(
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
  }

  /** A WebSocket whose text messages are queued, whole. */
  private record Echo(WebSocket socket, LinkedBlockingQueue<String> received) {
    static Echo open(HttpClient client, String url) throws Exception {
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      CompletableFuture<WebSocket> opening =
          client
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create(url),
                  new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      text.append(data);
                      if (last) {
                        received.add(text.toString());
                        text.setLength(0);
                      }
                      webSocket.request(1);
                      return null;
                    }
                  });
      return new Echo(opening.get(60, TimeUnit.SECONDS), received);
    }

    /** {@link #open}, failing with the proxy's answer and output when the upgrade is refused. */
    static Echo openOrExplain(HttpClient client, String url, ProxyProcess proxy) throws Exception {
      try {
        return open(client, url);
      } catch (ExecutionException e) {
        String answer = "";
        for (Throwable c = e; c != null; c = c.getCause()) {
          if (c instanceof WebSocketHandshakeException h) {
            answer = h.getResponse().statusCode() + " " + h.getResponse().body();
          }
        }
        throw new AssertionError(
            "upgrade refused: " + answer + "\nmse proxy said:\n" + proxy.output(), e);
      }
    }

    String roundTrip(String text) throws Exception {
      socket.sendText(text, true).get(30, TimeUnit.SECONDS);
      String answer = received.poll(30, TimeUnit.SECONDS);
      assertThat(answer).as("no echo of '%s'", text).isNotNull();
      return answer;
    }
  }
}
