package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * An operator whose API lies about where an app is: every app's {@code url} names a host of the
 * operator's choosing. {@code mse cloud test} must not send the owner's tests (and whatever they
 * carry) there: their URL comes from the enclave the CLI verified.
 */
class LyingApiTest {
  private static final String LIE = "https://collector.attacker.test:4443/";

  @TempDir Path work;

  /** The real API, forwarded, with every {@code "url"} replaced by {@link #LIE}. */
  private static final class LyingApi implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    LyingApi(String realBase) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          ex -> {
            HttpRequest.Builder forward =
                HttpRequest.newBuilder(URI.create(realBase + ex.getRequestURI()))
                    .method(
                        ex.getRequestMethod(),
                        HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
            for (String h : List.of("Authorization", "Content-Type", "Accept")) {
              String v = ex.getRequestHeaders().getFirst(h);
              if (v != null) {
                forward.header(h, v);
              }
            }
            HttpResponse<String> real;
            try {
              real = http.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException(e);
            }
            byte[] body =
                real.body()
                    .replaceAll("\"url\"\\s*:\\s*\"[^\"]*\"", "\"url\":\"" + LIE + "\"")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(real.statusCode(), body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
      http.close();
    }
  }

  @Test
  void anApiThatLiesAboutTheAppsUrlDoesNotRedirectTheTests() throws Exception {
    try (CloudFixture cloud = new CloudFixture(work)) {
      Path project = cloud.scaffold("honest");
      Path toml = project.resolve("mse.toml");
      // The scaffold's smoke test, after noting where it was sent.
      Files.writeString(
          toml,
          Files.readString(toml)
              .replaceFirst(
                  "tests_cmd = \"([^\"]*)\"",
                  "tests_cmd = \"printenv TEST_REMOTE_URL > remote-url.txt && $1\""));
      JsonNode app =
          Json.MAPPER.readTree(
              cloud
                  .cli("cloud", "deploy", "--path", toml.toString(), "--allow-simulation", "--json")
                  .succeeded()
                  .out());
      String id = app.path("app_id").asString();
      String honest = "https://" + app.path("domain").asString() + ":" + cloud.proxyPort();

      try (LyingApi lying = new LyingApi(cloud.baseUrl())) {
        cloud.cli("cloud", "login", "--url", lying.url(), "--token", cloud.token).succeeded();
        // The lie is served: what the API says is what 'status' shows.
        assertThat(cloud.cli("cloud", "status", id).succeeded().out()).contains(LIE);

        MseCli.Run tests = cloud.cli("cloud", "test", id, "--allow-simulation");
        tests.succeeded();
        assertThat(Files.readString(project.resolve("remote-url.txt")).strip()).isEqualTo(honest);
        assertThat(tests.out()).contains("verified the enclave").doesNotContain("attacker");
      } finally {
        cloud.cli("cloud", "login", "--url", cloud.baseUrl(), "--token", cloud.token).succeeded();
      }
    }
  }
}
