package dev.mse.operator.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.ApiClient.Res;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's login, end to end over HTTP, with a loopback listener standing in for the CLI. */
class OAuthLoginTest {
  private static final Pattern HIDDEN =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

  @TempDir Path dir;
  OperatorFixture fx;
  HttpServer loopback;
  CompletableFuture<Map<String, String>> callback;
  String redirectUri;
  final HttpClient browser =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeEach
  void start() throws Exception {
    fx = OperatorFixture.start(TestDatabase.Kind.H2, dir);
    fx.operator.accounts().createAccount("alice@example.com", OperatorFixture.PASSWORD);
    callback = new CompletableFuture<>();
    loopback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    loopback.createContext(
        "/",
        exchange -> {
          callback.complete(query(exchange.getRequestURI().getRawQuery()));
          byte[] ok = "You can close this window.".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, ok.length);
          exchange.getResponseBody().write(ok);
          exchange.close();
        });
    loopback.start();
    redirectUri = "http://127.0.0.1:" + loopback.getAddress().getPort() + "/callback";
  }

  @AfterEach
  void stop() throws Exception {
    loopback.stop(0);
    fx.close();
  }

  private String authorizeQuery(String redirect, String challenge, String state) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", "mse-cli");
    q.put("redirect_uri", redirect);
    q.put("code_challenge", challenge);
    q.put("code_challenge_method", "S256");
    q.put("state", state);
    return encode(q);
  }

  /** GET the form, POST the credentials with its hidden fields and cookie; returns the reply. */
  private HttpResponse<String> signIn(String query, String email, String password)
      throws Exception {
    return signIn(browser, query, email, password);
  }

  private HttpResponse<String> signIn(
      HttpClient browser, String query, String email, String password) throws Exception {
    HttpResponse<String> form =
        browser.send(
            HttpRequest.newBuilder(fx.operator.apiUri().resolve("/login/authorize?" + query))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
    assertThat(form.body()).contains("<form method=\"post\" action=\"/login/authorize\">");
    String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    assertThat(form.headers().firstValue("Set-Cookie").orElseThrow())
        .contains("HttpOnly", "SameSite=Strict");
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(form.body());
    while (m.find()) {
      fields.put(m.group(1), unescape(m.group(2)));
    }
    assertThat(fields).containsKeys("csrf", "redirect_uri", "code_challenge", "state");
    fields.put("email", email);
    fields.put("password", password);
    return browser.send(
        HttpRequest.newBuilder(fx.operator.apiUri().resolve("/login/authorize"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.ofString(encode(fields)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Follows the 302 to the loopback listener and returns what it received. */
  private Map<String, String> follow(HttpResponse<String> redirect) throws Exception {
    assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
    String location = redirect.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(redirectUri + "?code=");
    browser.send(
        HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofString());
    return callback.get(5, TimeUnit.SECONDS);
  }

  private Res exchange(String code, String verifier, String redirect) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("code_verifier", verifier);
    form.put("redirect_uri", redirect);
    form.put("client_id", "mse-cli");
    return fx.anonymous().postForm("/login/token", form, Map.of());
  }

  @Test
  void codeAndVerifierGiveAnApiTokenOnce() throws Exception {
    String verifier = Secrets.random() + "-verifier";
    String challenge = OAuthLogin.challenge(verifier);
    Map<String, String> got =
        follow(
            signIn(
                authorizeQuery(redirectUri, challenge, "st<a>te"),
                "alice@example.com",
                OperatorFixture.PASSWORD));
    assertThat(got.get("state")).isEqualTo("st<a>te");
    String code = got.get("code");

    Res token = exchange(code, verifier, redirectUri);
    assertThat(token.status()).as(token.body()).isEqualTo(200);
    assertThat(token.json().get("token_type").asString()).isEqualTo("Bearer");
    String access = token.json().get("access_token").asString();
    assertThat(access).startsWith("mse_");
    ApiClient cli = fx.anonymous().withToken(access);
    assertThat(cli.get("/api/v1/users/me").json().get("email").asString())
        .isEqualTo("alice@example.com");
    assertThat(cli.get("/api/v1/tokens").body()).contains("cli login");

    Res reused = exchange(code, verifier, redirectUri);
    assertThat(reused.status()).isEqualTo(400);
    assertThat(reused.errorCode()).isEqualTo("invalid_grant");
  }

  @Test
  void wrongVerifierIsRefusedAndBurnsTheCode() throws Exception {
    String verifier = Secrets.random();
    Map<String, String> got =
        follow(
            signIn(
                authorizeQuery(redirectUri, OAuthLogin.challenge(verifier), "s"),
                "alice@example.com",
                OperatorFixture.PASSWORD));
    Res wrong = exchange(got.get("code"), Secrets.random(), redirectUri);
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.errorCode()).isEqualTo("invalid_grant");
    assertThat(exchange(got.get("code"), verifier, redirectUri).status()).isEqualTo(400);
  }

  @Test
  void codeIsBoundToItsRedirectUriAndExpires() throws Exception {
    String verifier = Secrets.random();
    Map<String, String> got =
        follow(
            signIn(
                authorizeQuery(redirectUri, OAuthLogin.challenge(verifier), "s"),
                "alice@example.com",
                OperatorFixture.PASSWORD));
    assertThat(exchange(got.get("code"), verifier, "http://127.0.0.1:1/other").status())
        .isEqualTo(400);

    callback = new CompletableFuture<>();
    Map<String, String> second =
        follow(
            signIn(
                authorizeQuery(redirectUri, OAuthLogin.challenge(verifier), "s"),
                "alice@example.com",
                OperatorFixture.PASSWORD));
    fx.clock.advance(Duration.ofSeconds(61));
    assertThat(exchange(second.get("code"), verifier, redirectUri).status()).isEqualTo(400);
  }

  @Test
  void wrongPasswordShowsTheFormAgainWithOneError() throws Exception {
    HttpResponse<String> r =
        signIn(
            authorizeQuery(redirectUri, OAuthLogin.challenge(Secrets.random()), "s"),
            "alice@example.com",
            "wrong password!!");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("Wrong email or password.").contains("<form");
    assertThat(r.headers().firstValue("Location")).isEmpty();
    assertThat(callback).isNotDone();
  }

  @Test
  void tenWrongPasswordsHoldThatSourceBackForFifteenMinutes() throws Exception {
    String query = authorizeQuery(redirectUri, OAuthLogin.challenge(Secrets.random()), "s");
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      assertThat(signIn(query, "alice@example.com", "wrong password!!").statusCode())
          .isEqualTo(401);
    }
    fx.clock.advance(Duration.ofMinutes(2)); // the source's budget is back, the lock is not
    HttpResponse<String> locked = signIn(query, "alice@example.com", OperatorFixture.PASSWORD);
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(locked.body()).contains("wait 15 minutes");
    fx.clock.advance(LoginThrottle.WINDOW);
    assertThat(signIn(query, "alice@example.com", OperatorFixture.PASSWORD).statusCode())
        .isEqualTo(302);
  }

  @Test
  void wrongPasswordsFromElsewhereNeverLockTheOwnerOut() throws Exception {
    // finding 11: ten wrong passwords from anyone locked the real owner out, again and again
    String query = authorizeQuery(redirectUri, OAuthLogin.challenge(Secrets.random()), "s");
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      assertThat(signIn(query, "alice@example.com", "wrong password!!").statusCode())
          .isEqualTo(401);
    }
    assertThat(signIn(query, "alice@example.com", "wrong password!!").statusCode()).isEqualTo(429);
    HttpResponse<String> owner =
        signIn(from("127.0.0.2"), query, "alice@example.com", OperatorFixture.PASSWORD);
    assertThat(owner.statusCode()).as(owner.body()).isEqualTo(302);
  }

  @Test
  void aFloodOfLoginsFromOneSourceIsRefusedWhileOthersAreServed() throws Exception {
    // finding 11: every attempt hashed a password, and ~24 a second starved the whole API
    String query = authorizeQuery(redirectUri, OAuthLogin.challenge(Secrets.random()), "s");
    HttpResponse<String> form =
        browser.send(
            HttpRequest.newBuilder(fx.operator.apiUri().resolve("/login/authorize?" + query))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(form.body());
    while (m.find()) {
      fields.put(m.group(1), unescape(m.group(2)));
    }
    int flood = 60;
    List<Future<Integer>> attempts = new ArrayList<>();
    int ownerStatus;
    int defaultsStatus;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < flood; i++) {
        Map<String, String> attempt = new LinkedHashMap<>(fields);
        // many emails: a per-email lock would not stop this, only a per-source one does
        attempt.put("email", (i % 2 == 0 ? "alice" : "guess" + i) + "@example.com");
        attempt.put("password", "guess number " + i);
        attempts.add(
            pool.submit(
                () ->
                    browser
                        .send(
                            HttpRequest.newBuilder(fx.operator.apiUri().resolve("/login/authorize"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header("Cookie", cookie)
                                .POST(HttpRequest.BodyPublishers.ofString(encode(attempt)))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()));
      }
      // meanwhile, from another address: the owner signs in and the API answers
      ownerStatus =
          signIn(from("127.0.0.2"), query, "alice@example.com", OperatorFixture.PASSWORD)
              .statusCode();
      defaultsStatus = fx.anonymous().from("127.0.0.3").get("/api/v1/defaults").status();
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> f : attempts) {
      statuses.add(f.get());
    }
    assertThat(statuses).containsOnly(401, 429);
    assertThat(statuses.stream().filter(s -> s == 401).count())
        .isLessThanOrEqualTo(fx.config.limits().loginsPerSourcePerMinute());
    assertThat(ownerStatus).isEqualTo(302);
    assertThat(defaultsStatus).isEqualTo(200);
  }

  private static HttpClient from(String localAddress) throws Exception {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .localAddress(java.net.InetAddress.getByName(localAddress))
        .build();
  }

  @Test
  void missingCsrfCookieIsRefused() throws Exception {
    Map<String, String> fields = new HashMap<>();
    fields.put("response_type", "code");
    fields.put("client_id", "mse-cli");
    fields.put("redirect_uri", redirectUri);
    fields.put("code_challenge", OAuthLogin.challenge(Secrets.random()));
    fields.put("code_challenge_method", "S256");
    fields.put("state", "s");
    fields.put("csrf", "forged");
    fields.put("email", "alice@example.com");
    fields.put("password", OperatorFixture.PASSWORD);
    Res r = fx.anonymous().postForm("/login/authorize", fields, Map.of());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("The form expired");
    assertThat(r.raw().headers().firstValue("Location")).isEmpty();
  }

  @Test
  void nonLoopbackRedirectsAreRefusedWithoutRedirecting() throws Exception {
    String challenge = OAuthLogin.challenge(Secrets.random());
    for (String bad :
        new String[] {
          "https://evil.example/cb",
          "http://evil.example:8080/cb",
          "http://127.0.0.1/cb",
          "http://127.0.0.1.evil.example:80/cb",
          "http://user@127.0.0.1:9000/cb",
          "http://127.0.0.1:99999/cb",
          "http://localhost:65536/cb",
          "javascript:alert(1)"
        }) {
      HttpResponse<String> r =
          browser.send(
              HttpRequest.newBuilder(
                      fx.operator
                          .apiUri()
                          .resolve("/login/authorize?" + authorizeQuery(bad, challenge, "s")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.body()).contains("redirect_uri must be");
      assertThat(r.headers().firstValue("Location")).isEmpty();
    }
    Map<String, String> plain = new LinkedHashMap<>();
    plain.put("response_type", "code");
    plain.put("client_id", "mse-cli");
    plain.put("redirect_uri", redirectUri);
    plain.put("code_challenge", challenge);
    plain.put("code_challenge_method", "plain");
    HttpResponse<String> r =
        browser.send(
            HttpRequest.newBuilder(
                    fx.operator.apiUri().resolve("/login/authorize?" + encode(plain)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("S256");
  }

  @Test
  void theFormEscapesWhatItEchoes() throws Exception {
    HttpResponse<String> form =
        browser.send(
            HttpRequest.newBuilder(
                    fx.operator
                        .apiUri()
                        .resolve(
                            "/login/authorize?"
                                + authorizeQuery(
                                    redirectUri,
                                    OAuthLogin.challenge(Secrets.random()),
                                    "\"><script>x</script>")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).doesNotContain("<script>").contains("&quot;&gt;&lt;script&gt;");
    assertThat(form.headers().firstValue("Content-Security-Policy")).isPresent();
  }

  @Test
  void signUpFormCreatesTheAccountAndLogsIn() throws Exception {
    String verifier = Secrets.random();
    String query = authorizeQuery(redirectUri, OAuthLogin.challenge(verifier), "s");
    HttpResponse<String> form =
        browser.send(
            HttpRequest.newBuilder(fx.operator.apiUri().resolve("/login/signup?" + query)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(200);
    String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(form.body());
    while (m.find()) {
      fields.put(m.group(1), unescape(m.group(2)));
    }
    fields.put("email", "carol@example.com");
    fields.put("password", "a long enough password");
    HttpResponse<String> r =
        browser.send(
            HttpRequest.newBuilder(fx.operator.apiUri().resolve("/login/signup"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Map<String, String> got = follow(r);
    Res token = exchange(got.get("code"), verifier, redirectUri);
    assertThat(token.status()).isEqualTo(200);
    assertThat(
            fx.anonymous()
                .withToken(token.json().get("access_token").asString())
                .get("/api/v1/users/me")
                .json()
                .get("email")
                .asString())
        .isEqualTo("carol@example.com");
  }

  private static String encode(Map<String, String> q) {
    StringBuilder b = new StringBuilder();
    q.forEach(
        (k, v) ->
            b.append(b.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }
}
