package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code mse proxy} as a user runs it (a process of its own) in front of a zero-trust app that an
 * operator deployed (real runtime processes, simulated TEE), opened in Chromium. The operator's SNI
 * proxy here can lie: when told to, it routes the app's name to the node of another app (same kind
 * of app, another package), as an operator that swapped what runs behind the name would. The app's
 * enclave name still reaches the honest enclave, which does not vouch for the swapped node's key;
 * the other app's enclave would vouch only with claims naming its own app and package.
 */
class MseProxyTest {
  @TempDir Path work;

  @Test
  void chromiumOpensTheVerifiedAppAndGetsAnErrorPageOnceTheOperatorSwapsTheNode() throws Exception {
    try (CloudFixture cloud = new CloudFixture(work);
        Chromium chromium = Chromium.start()) {
      JsonNode app = deploy(cloud, cloud.scaffold("browsed"));
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
      String id = app.path("app_id").asString();
      cloud.cli("cloud", "context", "--export", id).succeeded();
      Path context = work.resolve("context.json");
      Files.move(Path.of(id + ".json"), context, StandardCopyOption.REPLACE_EXISTING);
      String target = domain + ":" + liarPort;
      try (SniProxy liar =
          new SniProxy(
                  ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", liarPort)),
                  lying,
                  new RaTlsUpstreamTrust(
                      AppraisalPolicy.defaults().withAllowSimulation(true),
                      r -> r.appId() + "." + cloud.config.appsDomain()),
                  operator.traffic())
              .start()) {
        // A wrong fingerprint: the proxy does not start.
        try (ProxyProcess wrong =
            ProxyProcess.start(
                cloud.conf,
                target,
                "--fingerprint",
                "00".repeat(32),
                "--allow-simulation",
                "--listen",
                "127.0.0.1:" + LoopbackPorts.free())) {
          assertThat(wrong.awaitServing()).as(wrong.output()).isFalse();
          assertThat(wrong.exitCode()).isEqualTo(1);
          assertThat(wrong.output()).contains("does not verify").contains("code");
        }

        int listen = LoopbackPorts.free();
        String url = "http://127.0.0.1:" + listen + "/";
        try (ProxyProcess proxy =
            ProxyProcess.start(
                cloud.conf,
                target,
                "--context",
                context.toString(),
                "--allow-simulation",
                "--listen",
                "127.0.0.1:" + listen,
                "--evidence-cache-seconds",
                "1")) {
          assertThat(proxy.awaitServing()).as(proxy.output()).isTrue();
          assertThat(proxy.output())
              .contains("verified " + domain + ": SIMULATED")
              .contains("app id:       " + id)
              .contains("code sha256:  " + app.path("code_sha256").asString())
              .contains("serving " + url);

          Page page = chromium.newPage();
          Response ok = page.navigate(url);
          assertThat(ok.status()).as("%s%n%s", page.content(), proxy.output()).isEqualTo(200);
          assertThat(page.content()).contains("Hello from browsed");
          Chromium.screenshot(page, "mse-proxy-app");

          // An upgrade to anything but WebSocket is refused with a reason, not forwarded as a
          // plain request (WebSocket is MseProxyWebSocketTest's).
          try (Socket raw = new Socket("127.0.0.1", listen)) {
            raw.getOutputStream()
                .write(
                    ("GET / HTTP/1.1\r\nHost: 127.0.0.1:"
                            + listen
                            + "\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            String status =
                new BufferedReader(
                        new InputStreamReader(raw.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(status).startsWith("HTTP/1.1 501");
          }

          // The operator swaps the node behind the app's name: once the verdict is older than a
          // second, a new connection meets a key the app's enclave does not vouch for.
          swapped.set(true);
          Response refused = reloadUntil(page, url, status -> status == 502);
          assertThat(refused.headerValue("content-type")).startsWith("text/html");
          assertThat(page.locator("h1").textContent()).contains(domain + " is not verified");
          assertThat(page.locator("#reason").textContent())
              .contains("does not vouch for the certificate served");
          assertThat(page.content()).doesNotContain("Hello from");
          Chromium.screenshot(page, "mse-proxy-refused");
          assertThat(proxy.output()).contains("REFUSED, not forwarding");

          // A proxy started now refuses to start, with one line saying why.
          try (ProxyProcess late =
              ProxyProcess.start(
                  cloud.conf,
                  target,
                  "--context",
                  context.toString(),
                  "--allow-simulation",
                  "--listen",
                  "127.0.0.1:" + LoopbackPorts.free())) {
            assertThat(late.awaitServing()).isFalse();
            assertThat(late.exitCode()).isEqualTo(1);
            assertThat(late.output().strip().lines())
                .singleElement()
                .asString()
                .startsWith("mse: the enclave does not vouch for the certificate served");
          }

          // Refusals are not remembered: the honest node is trusted again at once.
          swapped.set(false);
          reloadUntil(page, url, status -> status == 200);
          assertThat(page.content()).contains("Hello from browsed");
        }
      }
    }
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
                "--json")
            .succeeded()
            .out());
  }

  /** Loads {@code url} again until its status is what {@code wanted} accepts. */
  private static Response reloadUntil(Page page, String url, IntPredicate wanted) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Response last = null;
    while (Instant.now().isBefore(deadline)) {
      last = page.navigate(url);
      if (wanted.test(last.status())) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("still " + (last == null ? "nothing" : last.status()) + " at " + url);
  }
}
