package dev.mse.operator.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.account.Secrets;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.Jdbc;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's defences over real HTTP against a real operator: the CSP and other headers, the
 * session cookie's flags, CSRF tokens on every form (a post without the session's token is a 403
 * and changes nothing), sign-in refused without the form's cookie-bound token, {@code /} sent to
 * the console while the API's JSON answers stay as they were.
 */
class ConsoleSecurityTest {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  @TempDir Path dir;
  private OperatorFixture fx;
  private HttpClient http;
  private Account alice;

  @BeforeEach
  void start() throws Exception {
    fx = OperatorFixture.start(TestDatabase.Kind.H2, dir);
    alice = fx.operator.accounts().createAccount("alice@example.com", OperatorFixture.PASSWORD);
    http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    fx.close();
  }

  private URI uri(String path) {
    return fx.operator.apiUri().resolve(path);
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (!cookie.isEmpty()) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String cookie, Map<String, String> form)
      throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!cookie.isEmpty()) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String csrf(String html) {
    Matcher m = CSRF.matcher(html);
    assertThat(m.find()).as("a csrf field in %s", html).isTrue();
    return m.group(1);
  }

  /** name=value of the first Set-Cookie of that name. */
  private static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(0, c.indexOf(';')))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers()));
  }

  private static String setCookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .findFirst()
        .orElseThrow();
  }

  /** Signs in as alice: the session cookie (name=value) and the session's form token. */
  private String[] signIn() throws Exception {
    HttpResponse<String> form = get("/console/login", "");
    String loginCookie = cookie(form, ConsoleHandler.LOGIN_COOKIE);
    HttpResponse<String> r =
        post(
            "/console/login",
            loginCookie,
            Map.of(
                "csrf",
                csrf(form.body()),
                "email",
                "alice@example.com",
                "password",
                OperatorFixture.PASSWORD));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).contains("/console/apps");
    String session = cookie(r, ConsoleHandler.SESSION_COOKIE);
    HttpResponse<String> tokens = get("/console/tokens", session);
    assertThat(tokens.statusCode()).isEqualTo(200);
    return new String[] {session, csrf(tokens.body())};
  }

  @Test
  void everyPageHasAStrictCspAndTheSessionCookieIsHttpOnlyAndStrict() throws Exception {
    HttpResponse<String> login = get("/console/login", "");
    assertThat(login.statusCode()).isEqualTo(200);
    String csp = login.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("default-src 'none'")
        .contains("script-src 'self'")
        .contains("style-src 'self'")
        .contains("frame-ancestors 'none'")
        .contains("form-action 'self'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(login.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(login.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(login.headers().firstValue("Cache-Control")).contains("no-store");
    // nothing inline for the CSP to refuse
    assertThat(login.body()).doesNotContain("<style").doesNotContain("style=");
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(login.body()).find()).isFalse();

    String[] s = signIn();
    HttpResponse<String> apps = get("/console/apps", s[0]);
    assertThat(apps.statusCode()).isEqualTo(200);
    assertThat(apps.headers().firstValue("Content-Security-Policy")).contains(csp);
    for (String path : List.of("/console/static/console.js", "/console/static/console.css")) {
      HttpResponse<String> r = get(path, "");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Security-Policy")).contains(csp);
    }
  }

  @Test
  void theSessionCookieIsHttpOnlyStrictAndScopedToTheConsole() throws Exception {
    HttpResponse<String> form = get("/console/login", "");
    assertThat(setCookie(form, ConsoleHandler.LOGIN_COOKIE))
        .contains("HttpOnly")
        .contains("SameSite=Strict");
    HttpResponse<String> r =
        post(
            "/console/login",
            cookie(form, ConsoleHandler.LOGIN_COOKIE),
            Map.of(
                "csrf",
                csrf(form.body()),
                "email",
                "alice@example.com",
                "password",
                OperatorFixture.PASSWORD));
    assertThat(setCookie(r, ConsoleHandler.SESSION_COOKIE))
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/console")
        .doesNotContain("Secure"); // plain HTTP on loopback; under TLS it is Secure
  }

  @Test
  void aFormPostWithoutTheSessionsTokenIsRefusedAndChangesNothing() throws Exception {
    String[] s = signIn();
    int before = fx.operator.accounts().tokens(alice.id()).size();

    HttpResponse<String> none =
        post("/console/tokens", s[0], Map.of("name", "forged", "days", "30"));
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).doesNotContain("mse_");
    HttpResponse<String> wrong =
        post(
            "/console/tokens",
            s[0],
            Map.of("name", "forged", "days", "30", "csrf", s[1].substring(1) + "x"));
    assertThat(wrong.statusCode()).isEqualTo(403);
    HttpResponse<String> project = post("/console/projects", s[0], Map.of("name", "forged"));
    assertThat(project.statusCode()).isEqualTo(403);
    HttpResponse<String> everywhere = post("/console/account/sign-out-everywhere", s[0], Map.of());
    assertThat(everywhere.statusCode()).isEqualTo(403);
    assertThat(fx.operator.accounts().tokens(alice.id())).hasSize(before);
    assertThat(fx.operator.projects().list(alice.id(), java.util.Optional.empty())).hasSize(1);

    // the same post with the token works: the refusals above were the token's doing
    HttpResponse<String> ok =
        post("/console/tokens", s[0], Map.of("name", "real", "days", "30", "csrf", s[1]));
    assertThat(ok.statusCode()).isEqualTo(201);
    assertThat(ok.body()).contains("mse_");
    assertThat(fx.operator.accounts().tokens(alice.id())).hasSize(before + 1);
  }

  @Test
  void signInWithoutTheFormsCookieBoundTokenIsRefused() throws Exception {
    HttpResponse<String> form = get("/console/login", "");
    Map<String, String> fields =
        Map.of(
            "csrf",
            csrf(form.body()),
            "email",
            "alice@example.com",
            "password",
            OperatorFixture.PASSWORD);
    HttpResponse<String> noCookie = post("/console/login", "", fields);
    assertThat(noCookie.statusCode()).isEqualTo(403);
    assertThat(noCookie.headers().allValues("Set-Cookie"))
        .noneMatch(c -> c.startsWith(ConsoleHandler.SESSION_COOKIE + "="));
    HttpResponse<String> otherCookie =
        post("/console/login", ConsoleHandler.LOGIN_COOKIE + "=somethingelse", fields);
    assertThat(otherCookie.statusCode()).isEqualTo(403);

    HttpResponse<String> wrongPassword =
        post(
            "/console/login",
            cookie(form, ConsoleHandler.LOGIN_COOKIE),
            Map.of("csrf", csrf(form.body()), "email", "alice@example.com", "password", "nope"));
    assertThat(wrongPassword.statusCode()).isEqualTo(401);
    assertThat(wrongPassword.body()).contains("Wrong email or password.");
  }

  @Test
  void pagesNeedASessionAndSignOutEverywhereEndsSessionsAndTokens() throws Exception {
    assertThat(get("/console/apps", "").statusCode()).isEqualTo(303);
    assertThat(get("/console/apps", ConsoleHandler.SESSION_COOKIE + "=forged").statusCode())
        .isEqualTo(303);
    String[] s = signIn();
    String[] other = signIn();
    String token = fx.operator.accounts().createToken(alice.id(), "cli").secret();

    HttpResponse<String> r =
        post("/console/account/sign-out-everywhere", s[0], Map.of("csrf", s[1]));
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(get("/console/apps", s[0]).statusCode()).isEqualTo(303);
    assertThat(get("/console/apps", other[0]).statusCode()).isEqualTo(303);
    assertThat(fx.operator.accounts().tokens(alice.id())).isEmpty();
    HttpResponse<String> api =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/apps"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(401);
  }

  @Test
  void sessionsAreInTheDatabaseSoARestartKeepsThemAndIdleOnesEnd() throws Exception {
    String[] s = signIn();
    String cookieSha256 = Secrets.sha256Hex(s[0].substring(s[0].indexOf('=') + 1));
    assertThat(sessionRows("WHERE cookie_sha256 = ?", cookieSha256))
        .as("stored as the cookie's SHA-256, never the cookie")
        .isEqualTo(1);

    // another instance on the same database (here: the same one after a restart) knows it
    fx.stopOperator();
    fx = OperatorFixture.start(fx.database, fx.config, fx.clock);
    assertThat(get("/console/apps", s[0]).statusCode()).isEqualTo(200);

    // idle past the limit: signed out, and the row is gone
    fx.clock.advance(ConsoleSessions.IDLE.plusSeconds(1));
    assertThat(get("/console/apps", s[0]).statusCode()).isEqualTo(303);
    assertThat(sessionRows("")).isZero();
  }

  private int sessionRows(String where, Object... args) {
    return fx.operator
        .database()
        .read(
            c ->
                Jdbc.one(
                        c,
                        "SELECT COUNT(*) AS n FROM console_sessions " + where,
                        rs -> rs.getInt("n"),
                        args)
                    .orElseThrow());
  }

  @Test
  void signingOutEndsTheSessionAndNeedsTheFormToken() throws Exception {
    String[] s = signIn();
    assertThat(post("/console/logout", s[0], Map.of()).statusCode()).isEqualTo(403);
    assertThat(get("/console/apps", s[0]).statusCode()).isEqualTo(200);
    HttpResponse<String> out = post("/console/logout", s[0], Map.of("csrf", s[1]));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(setCookie(out, ConsoleHandler.SESSION_COOKIE)).contains("Max-Age=0");
    assertThat(get("/console/apps", s[0]).statusCode()).isEqualTo(303);
  }

  @Test
  void aPasswordChangeNeedsTheCurrentOneAndSignsOtherSessionsOut() throws Exception {
    String[] s = signIn();
    String[] other = signIn();
    String next = "a brand new long password";
    HttpResponse<String> wrong =
        post(
            "/console/account/password",
            s[0],
            Map.of("csrf", s[1], "current", "not it at all", "password", next, "again", next));
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("The current password is wrong.");

    HttpResponse<String> ok =
        post(
            "/console/account/password",
            s[0],
            Map.of(
                "csrf",
                s[1],
                "current",
                OperatorFixture.PASSWORD,
                "password",
                next,
                "again",
                next));
    assertThat(ok.statusCode()).isEqualTo(303);
    String renewed = cookie(ok, ConsoleHandler.SESSION_COOKIE);
    assertThat(get("/console/account", renewed).statusCode()).isEqualTo(200);
    assertThat(get("/console/apps", other[0]).statusCode()).isEqualTo(303);
    assertThat(fx.operator.accounts().authenticate("127.0.0.1", "alice@example.com", next))
        .isPresent();
  }

  @Test
  void theRootLeadsToTheConsoleAndTheApiIsUnchanged() throws Exception {
    HttpResponse<String> root = get("/", "");
    assertThat(root.statusCode()).isEqualTo(303);
    assertThat(root.headers().firstValue("Location")).contains("/console/apps");
    HttpResponse<String> api = get("/api/v1/nothing", "");
    assertThat(api.statusCode()).isEqualTo(404);
    assertThat(api.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(api.body()).contains("\"not_found\"");
    HttpResponse<String> apps = get("/api/v1/apps", "");
    assertThat(apps.statusCode()).isEqualTo(401);
  }
}
