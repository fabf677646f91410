package dev.mse.cli.cloud;

import com.sun.net.httpserver.HttpServer;
import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * OAuth 2.0 authorization code with PKCE (RFC 7636, S256) against the operator's own login page,
 * redirected to a one-shot listener on a loopback port (RFC 8252), as MSE did against its identity
 * provider. The code is useless without the verifier, which never leaves this process.
 */
final class BrowserLogin {
  static final String CLIENT_ID = "mse-cli";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private BrowserLogin() {}

  /** Runs the flow; returns the API token. */
  static String run(String baseUrl, boolean openBrowser, Duration timeout, PrintWriter out) {
    String verifier = B64.encodeToString(random(32));
    String challenge = B64.encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    String state = B64.encodeToString(random(16));
    CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UserError("cannot listen on a loopback port for the login: " + e.getMessage(), e);
    }
    server.createContext(
        "/callback",
        ex -> {
          Map<String, String> q = parseQuery(ex.getRequestURI().getRawQuery());
          boolean ok = q.containsKey("code") && stateMatches(state, q.get("state"));
          byte[] page =
              (ok
                      ? "<!doctype html><title>mse</title><p>You are logged in to mse."
                          + " You can close this tab.</p>"
                      : "<!doctype html><title>mse</title><p>The login did not complete."
                          + " Run <code>mse cloud login</code> again.</p>")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(ok ? 200 : 400, page.length);
          ex.getResponseBody().write(page);
          ex.close();
          callback.complete(q);
        });
    server.start();
    try {
      String redirect = "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
      String url =
          baseUrl
              + "/login/authorize?response_type=code&client_id="
              + CLIENT_ID
              + "&redirect_uri="
              + ApiClient.encode(redirect)
              + "&code_challenge="
              + challenge
              + "&code_challenge_method=S256&state="
              + state;
      out.println("Log in to the operator in your browser:");
      out.println("  " + url);
      out.flush();
      if (openBrowser) {
        open(url);
      }
      Map<String, String> q;
      try {
        q = callback.get(timeout.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new UserError("no login within " + timeout.toMinutes() + " minutes", e);
      } catch (ExecutionException e) {
        throw new UserError("the login failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("interrupted", e);
      }
      if (q.containsKey("error")) {
        throw new UserError("the login was refused: " + q.get("error"));
      }
      if (!stateMatches(state, q.get("state")) || !q.containsKey("code")) {
        throw new UserError("the login answer does not belong to this login: try again");
      }
      return exchange(baseUrl, q.get("code"), verifier, redirect);
    } finally {
      server.stop(0);
    }
  }

  private static String exchange(String baseUrl, String code, String verifier, String redirect) {
    String form =
        "grant_type=authorization_code&code="
            + ApiClient.encode(code)
            + "&code_verifier="
            + ApiClient.encode(verifier)
            + "&redirect_uri="
            + ApiClient.encode(redirect)
            + "&client_id="
            + CLIENT_ID;
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/login/token"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode n = Json.MAPPER.readTree(r.body());
      if (r.statusCode() != 200 || !n.path("access_token").isString()) {
        throw new UserError(
            "the operator did not give a token (HTTP "
                + r.statusCode()
                + "): "
                + n.path("error").path("message").asString(r.body()));
      }
      return n.path("access_token").asString();
    } catch (IOException | JacksonException e) {
      throw new UserError("cannot get the token from the operator: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", e);
    }
  }

  /** Opens the page with {@code $BROWSER}, else xdg-open when there is a display. */
  private static void open(String url) {
    Optional<String> browser =
        Optional.ofNullable(System.getenv("BROWSER")).filter(b -> !b.isBlank());
    if (browser.isEmpty()
        && System.getenv("DISPLAY") != null
        && Files.isExecutable(Path.of("/usr/bin/xdg-open"))) {
      browser = Optional.of("/usr/bin/xdg-open");
    }
    browser.ifPresent(
        b -> {
          try {
            new ProcessBuilder(b, url)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
          } catch (IOException e) {
            // The URL is printed: the user can open it.
          }
        });
  }

  private static boolean stateMatches(String expected, String got) {
    return got != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII), got.getBytes(StandardCharsets.US_ASCII));
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        q.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
