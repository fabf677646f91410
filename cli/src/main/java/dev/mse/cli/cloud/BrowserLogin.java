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
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * Runs the flow; returns the API token, and its expiry when the operator gives one.
   *
   * <p>Any local process can reach the listener, so only an answer carrying this login's {@code
   * state} (compared in constant time) and a code or an error ends the wait; every other request
   * gets a 400 page and changes nothing, and the listener keeps waiting until the timeout. A forged
   * answer therefore can neither abort the login nor hand the CLI a code of its choosing.
   */
  static IssuedToken run(String baseUrl, boolean openBrowser, Duration timeout, PrintWriter out) {
    String verifier = B64.encodeToString(random(32));
    String challenge = B64.encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    String state = B64.encodeToString(random(16));
    CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
    AtomicInteger ignored = new AtomicInteger();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UserError("cannot listen on a loopback port for the login: " + e.getMessage(), e);
    }
    // One virtual thread per request: a client that sends its request slowly holds only its own.
    ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(handlers);
    server.createContext(
        "/callback",
        ex -> {
          Optional<Map<String, String>> q = parseQuery(ex.getRequestURI().getRawQuery());
          boolean ours =
              q.isPresent()
                  && stateMatches(state, q.get().get("state"))
                  && (q.get().containsKey("code") || q.get().containsKey("error"));
          String page;
          int status;
          if (!ours) {
            ignored.incrementAndGet();
            status = 400;
            page = "This is not the answer to the login in progress: it was ignored.";
          } else if (q.get().containsKey("code")) {
            status = 200;
            page = "You are logged in to mse. You can close this tab.";
          } else {
            status = 200;
            page = "The login did not complete. Run <code>mse cloud login</code> again.";
          }
          byte[] body =
              ("<!doctype html><title>mse</title><p>" + page + "</p>")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(status, body.length);
          ex.getResponseBody().write(body);
          ex.close();
          if (ours) {
            callback.complete(q.get());
          }
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
        q = callback.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        int n = ignored.get();
        throw new UserError(
            "no login within "
                + describe(timeout)
                + (n == 0
                    ? ""
                    : " ("
                        + n
                        + (n == 1 ? " request" : " requests")
                        + " to the login listener did not carry this login's state and were"
                        + " ignored)"),
            e);
      } catch (ExecutionException e) {
        throw new UserError("the login failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("interrupted", e);
      }
      if (!q.containsKey("code")) {
        throw new UserError("the login was refused: " + prefix(q.get("error")));
      }
      return exchange(baseUrl, q.get("code"), verifier, redirect);
    } finally {
      server.stop(0);
      // Not close(): a client still sending its request must not hold the CLI's exit.
      handlers.shutdownNow();
    }
  }

  /** An API token fresh from the operator. */
  record IssuedToken(String token, Optional<Instant> expiresAt) {
    @Override
    public String toString() {
      return "IssuedToken[token=(redacted), expiresAt=" + expiresAt + "]";
    }
  }

  private static String describe(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + (s == 60 ? " minute" : " minutes") : s + " s";
  }

  /** At most 64 characters of what another party sent, for an error line. */
  private static String prefix(String untrusted) {
    String s = untrusted.replaceAll("\\p{Cntrl}", "?");
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  private static IssuedToken exchange(
      String baseUrl, String code, String verifier, String redirect) {
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
      return new IssuedToken(n.path("access_token").asString(), TokenExpiry.of(n));
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

  /** The query's parameters; empty when it is not valid percent-encoding. */
  private static Optional<Map<String, String>> parseQuery(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return Optional.of(q);
    }
    try {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(q);
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
