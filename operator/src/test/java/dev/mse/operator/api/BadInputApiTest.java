package dev.mse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.ApiClient.Res;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** Malformed queries and bodies, hostile names and what Jetty refuses: 4xx JSON, no noise. */
class BadInputApiTest {
  @TempDir Path dir;
  OperatorFixture fx;
  ApiClient alice;
  ListAppender<ILoggingEvent> log;

  @BeforeEach
  void start() throws Exception {
    fx = OperatorFixture.start(TestDatabase.Kind.H2, dir);
    alice = fx.signedIn("alice@example.com");
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    fx.close();
  }

  private List<ILoggingEvent> loggedAboveDebug() {
    return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/apps?state=%ff",
        "/api/v1/apps?cursor=%ff",
        "/api/v1/apps?status=%c3%28",
        "/api/v1/projects?name=%ff"
      })
  void aQueryThatIsNotUtf8IsABadRequestAndNotLogged(String path) throws Exception {
    // finding 14: 500 and a stack trace in the log per request
    Res r = alice.get(path);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_query");
    assertThat(loggedAboveDebug()).isEmpty();
  }

  @Test
  void theLoginFormRefusesABadQueryWithoutAStackTrace() throws Exception {
    Res r = fx.anonymous().get("/login/authorize?state=%ff");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).doesNotContain("Exception");
    assertThat(loggedAboveDebug()).isEmpty();
  }

  @Test
  void aBodyThatNamesAKeyTwiceIsRefused() throws Exception {
    Res r =
        alice.send(
            alice
                .request("/api/v1/projects")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"harmless\",\"name\":\"other\"}")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_json");
    assertThat(alice.get("/api/v1/projects").json().get("items")).hasSize(1);
  }

  /** Each of these makes a name display as something else; JSON escapes keep them intact. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "lone \\ud800 surrogate",
        "trailing \\udfff",
        "bidi \\u202e override",
        "bidi \\u202a embedding",
        "isolate \\u2066 here",
        "pop \\u2069",
        "bell \\u0007",
        "newline \\n inside",
        "escape \\u001b[31m",
        "zero\\u200bwidth"
      })
  void namesWithControlsBidiOverridesOrLoneSurrogatesAreRefused(String escaped) throws Exception {
    Res project = postRaw(alice, "/api/v1/projects", "{\"name\":\"" + escaped + "\"}");
    assertThat(project.status()).as(project.body()).isEqualTo(400);
    assertThat(project.errorCode()).isEqualTo("invalid_name");
    Res token = postRaw(alice, "/api/v1/tokens", "{\"name\":\"" + escaped + "\"}");
    assertThat(token.status()).as(token.body()).isEqualTo(400);
    assertThat(token.errorCode()).isEqualTo("invalid_name");
    String email = escaped.replace(" ", "") + "@example.com";
    Res account =
        postRaw(
            fx.anonymous(),
            "/api/v1/accounts",
            "{\"email\":\"" + email + "\",\"password\":\"twelve chars!\"}");
    assertThat(account.status()).as(account.body()).isEqualTo(400);
    assertThat(account.errorCode()).isEqualTo("invalid_email");
  }

  /** Raw characters: the canonical JSON of a deployment config escapes only what it must. */
  @ParameterizedTest
  @ValueSource(strings = {"\u202egnp.exe", "app\u2066", "zero\u200bwidth", "mark\u200f"})
  void appNamesWithBidiOverridesOrFormatCharactersAreRefused(String name) throws Exception {
    Deployments.Deployment d = Deployments.selfMode("placeholder", "mse.localhost");
    String config = new String(d.configBytes(), StandardCharsets.UTF_8);
    assertThat(config).contains("\"app_name\":\"placeholder\"");
    byte[] hostile =
        config
            .replace("\"app_name\":\"placeholder\"", "\"app_name\":\"" + name + "\"")
            .getBytes(StandardCharsets.UTF_8);
    Res r = alice.deploy("default", "4g", hostile, d.packageBytes());
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_deployment_config");
    assertThat(fx.appRows()).isZero();
  }

  @Test
  void namesInOtherScriptsAndEmojiAreStillWelcome() throws Exception {
    for (String name : List.of("Ünïcödé", "日本語のプロジェクト", "rocket 🚀", "עברית")) {
      Res r = alice.post("/api/v1/projects", Map.of("name", name));
      assertThat(r.status()).as(name).isEqualTo(201);
    }
  }

  private static Res postRaw(ApiClient client, String path, String json) throws Exception {
    return client.send(
        client
            .request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  @Test
  void whatJettyRefusesItselfIsAnsweredWithTheApisJson() throws Exception {
    // a malformed URI and headers too large never reach a handler
    String badUri = raw("GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertJsonError(badUri, 400);
    String big =
        raw(
            "GET /api/v1/defaults HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n");
    assertJsonError(big, 431);
  }

  private static void assertJsonError(String response, int status) {
    assertThat(response).startsWith("HTTP/1.1 " + status);
    assertThat(response.toLowerCase(java.util.Locale.ROOT))
        .contains("content-type: application/json");
    assertThat(response).doesNotContain("<html").contains("{\"error\":{\"code\":");
  }

  private String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", fx.operator.apiUri().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketException e) {
      // Jetty may close after answering while we still send the oversized header
      throw new AssertionError("connection reset before an answer", e);
    }
  }

  @Test
  void anErrorInAHandlerIsTheApisJsonNotJettysPage() throws Exception {
    // OutOfMemoryError and other Errors used to escape to Jetty, which answered with HTML
    Endpoint failing =
        new Endpoint(
            "GET",
            "/boom",
            false,
            c -> {
              throw new OutOfMemoryError("Java heap space (test)");
            });
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new ApiHandler(List.of(failing), null));
    server.start();
    try {
      Res r =
          new ApiClient(
                  java.net.URI.create("http://127.0.0.1:" + connector.getLocalPort()),
                  Optional.empty())
              .get("/boom");
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.raw().headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode error = r.json().get("error");
      assertThat(error.get("code").asString()).isEqualTo("internal_error");
      assertThat(r.body()).doesNotContain("heap", "OutOfMemoryError");
    } finally {
      server.stop();
    }
  }
}
