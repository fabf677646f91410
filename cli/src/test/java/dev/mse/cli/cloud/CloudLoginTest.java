package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.cli.MseCli;
import dev.mse.cli.UserError;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mse cloud login} in a browser: the CLI listens on a loopback port, the browser (here an
 * HTTP client with cookies that fills the operator's form as a person would) logs in on the
 * operator's page and is redirected to the CLI with a code that only the CLI can exchange.
 */
class CloudLoginTest {
  private static final Pattern HIDDEN =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"");

  @TempDir Path work;

  @Test
  void browserLoginSavesATokenOnlyTheOwnerCanRead() throws Exception {
    OperatorConfig config =
        OperatorConfig.defaults(work.resolve("operator"))
            .withApi("127.0.0.1", LoopbackPorts.free())
            .withProxy("127.0.0.1", LoopbackPorts.free());
    try (LocalOperator operator =
        LocalOperator.start(
            new LocalOperator.Settings(config, CloudFixture.RUNTIME, "simulation"))) {
      operator.operator().accounts().createAccount("person@example.test", "a long passphrase");
      String base = "http://127.0.0.1:" + config.apiPort();
      Path conf = work.resolve("conf");
      PendingLogin login = PendingLogin.start(base, conf);
      String page = login.url();
      assertThat(page).contains("code_challenge_method=S256").contains("redirect_uri=");

      HttpClient browser =
          HttpClient.newBuilder()
              .cookieHandler(new CookieManager())
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      HttpResponse<String> form =
          browser.send(HttpRequest.newBuilder(URI.create(page)).build(), ofString());
      assertThat(form.statusCode()).isEqualTo(200);
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher m = HIDDEN.matcher(form.body());
      while (m.find()) {
        fields.put(m.group(1), m.group(2).replace("&amp;", "&"));
      }
      fields.put("email", "person@example.test");
      fields.put("password", "a long passphrase");
      HttpResponse<String> posted =
          browser.send(
              HttpRequest.newBuilder(URI.create(base + "/login/authorize"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
                  .build(),
              ofString());
      assertThat(posted.statusCode()).isIn(302, 303);
      String callback = posted.headers().firstValue("Location").orElseThrow();
      assertThat(URI.create(callback).getHost()).isEqualTo("127.0.0.1");
      HttpResponse<String> landed =
          browser.send(HttpRequest.newBuilder(URI.create(callback)).build(), ofString());
      assertThat(landed.body()).contains("logged in");

      assertThat(login.exitCode().get()).isZero();
      assertThat(login.out().toString())
          .contains("logged in to " + base + " as person@example.test");
      Path saved = conf.resolve("login.toml");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
          .isEqualTo("rw-------");
      assertThat(Files.readString(saved)).contains("token = \"mse_");

      // Replaying the code (say, from the browser's history) gives nothing.
      String code =
          URLDecoder.decode(
              callback.replaceAll(".*[?&]code=([^&]+).*", "$1"), StandardCharsets.UTF_8);
      HttpResponse<String> replay =
          browser.send(
              HttpRequest.newBuilder(URI.create(base + "/login/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=authorization_code&client_id=mse-cli&code="
                              + URLEncoder.encode(code, StandardCharsets.UTF_8)
                              + "&code_verifier=guess&redirect_uri="
                              + URLEncoder.encode(
                                  callback.replaceAll("\\?.*", ""), StandardCharsets.UTF_8)))
                  .build(),
              ofString());
      assertThat(replay.statusCode()).isBetween(400, 499);

      // Logging out revokes the token at the operator, not only on this machine.
      String token = Files.readString(saved).replaceAll("(?s).*token = \"(mse_[^\"]+)\".*", "$1");
      assertThat(MseCli.run(conf, "cloud", "logout").succeeded().out())
          .contains("the token is revoked");
      assertThat(saved).doesNotExist();
      HttpResponse<String> me =
          browser.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/users/me"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              ofString());
      assertThat(me.statusCode()).isEqualTo(401);
    }
  }

  /**
   * A local process that knows the listener's port answers it first: with a code of its own and a
   * wrong state, with no state, with an error. None of it ends the login, which completes with the
   * code the operator sent the person's browser.
   */
  @Test
  void forgedCallbacksAreIgnoredAndTheRealLoginCompletes() throws Exception {
    OperatorConfig config =
        OperatorConfig.defaults(work.resolve("operator"))
            .withApi("127.0.0.1", LoopbackPorts.free())
            .withProxy("127.0.0.1", LoopbackPorts.free());
    try (LocalOperator operator =
        LocalOperator.start(
            new LocalOperator.Settings(config, CloudFixture.RUNTIME, "simulation"))) {
      operator.operator().accounts().createAccount("person@example.test", "a long passphrase");
      String base = "http://127.0.0.1:" + config.apiPort();
      Path conf = work.resolve("conf");
      PendingLogin login = PendingLogin.start(base, conf);
      String listener = redirectUri(login.url());

      HttpClient local = HttpClient.newHttpClient();
      String state = login.url().replaceAll(".*[?&]state=([^&]+).*", "$1");
      for (String forged :
          List.of(
              "?code=forged&state=" + state.substring(1) + "x",
              "?code=forged",
              "?error=access_denied",
              "?error=access_denied&state=wrong",
              "?state=" + state,
              "")) {
        HttpResponse<String> r =
            local.send(HttpRequest.newBuilder(URI.create(listener + forged)).build(), ofString());
        assertThat(r.statusCode()).as(forged).isEqualTo(400);
        assertThat(r.body()).contains("ignored").doesNotContain("forged");
        assertThat(login.exitCode()).as(forged).isNotDone();
      }

      HttpClient browser =
          HttpClient.newBuilder()
              .cookieHandler(new CookieManager())
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      String callback = authorize(browser, base, login.url(), "person@example.test");
      HttpResponse<String> landed =
          browser.send(HttpRequest.newBuilder(URI.create(callback)).build(), ofString());
      assertThat(landed.body()).contains("logged in");
      assertThat(login.exitCode().get()).isZero();
      assertThat(login.out().toString()).contains("as person@example.test");

      // The login's token expiry, when the operator gave one, is shown with the login.
      Path saved = conf.resolve("login.toml");
      Files.writeString(
          saved, Files.readString(saved) + "token_expires_at = \"2099-01-02T03:04:05Z\"\n");
      assertThat(MseCli.run(conf, "cloud", "login", "--whoami").succeeded().out())
          .contains("as person@example.test")
          .contains("the token expires at 2099-01-02T03:04:05Z");
    }
  }

  /** Forged answers alone never end the wait: the login times out and says what it ignored. */
  @Test
  void forgedCallbacksAloneLetTheLoginTimeOut() throws Exception {
    StringWriter out = new StringWriter();
    CompletableFuture<?> login =
        CompletableFuture.supplyAsync(
            () ->
                BrowserLogin.run(
                    // Never asked: no answer carries this login's state, so nothing is exchanged.
                    "http://127.0.0.1:9",
                    false,
                    Duration.ofSeconds(3),
                    new PrintWriter(out, true)));
    String listener = null;
    for (int i = 0; i < 600 && listener == null; i++) {
      for (String line : out.toString().split("\n")) {
        if (line.contains("/login/authorize")) {
          listener = redirectUri(line.strip());
        }
      }
      Thread.sleep(10);
    }
    assertThat(listener).as("the login page printed").isNotNull();
    HttpClient local = HttpClient.newHttpClient();
    for (String forged : List.of("?code=forged&state=wrong", "?code=forged", "?error=denied")) {
      assertThat(
              local
                  .send(HttpRequest.newBuilder(URI.create(listener + forged)).build(), ofString())
                  .statusCode())
          .isEqualTo(400);
    }
    assertThatThrownBy(login::join)
        .hasCauseInstanceOf(UserError.class)
        .cause()
        .hasMessage(
            "no login within 3 s (3 requests to the login listener did not carry this login's"
                + " state and were ignored)");
  }

  /** The form a person fills on the operator's page; returns where the browser is sent back. */
  private static String authorize(HttpClient browser, String base, String page, String email)
      throws Exception {
    HttpResponse<String> form =
        browser.send(HttpRequest.newBuilder(URI.create(page)).build(), ofString());
    assertThat(form.statusCode()).isEqualTo(200);
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(form.body());
    while (m.find()) {
      fields.put(m.group(1), m.group(2).replace("&amp;", "&"));
    }
    fields.put("email", email);
    fields.put("password", "a long passphrase");
    HttpResponse<String> posted =
        browser.send(
            HttpRequest.newBuilder(URI.create(base + "/login/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
                .build(),
            ofString());
    assertThat(posted.statusCode()).isIn(302, 303);
    return posted.headers().firstValue("Location").orElseThrow();
  }

  /** The CLI's loopback listener, from the login page's address. */
  private static String redirectUri(String page) {
    return URLDecoder.decode(
        page.replaceAll(".*[?&]redirect_uri=([^&]+).*", "$1"), StandardCharsets.UTF_8);
  }

  private static String form(Map<String, String> fields) {
    StringBuilder b = new StringBuilder();
    fields.forEach(
        (k, v) ->
            b.append(b.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString();
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }
}
