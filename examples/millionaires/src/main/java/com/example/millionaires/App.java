package com.example.millionaires;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mse.app.MseTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Yao's millionaires in a TEE. Each party seals its wealth to this app's public key with {@code mse
 * home seal --receiver-public-key} and posts it; the app opens it in the enclave, knows from the
 * seal which party sent it, and answers only who is the richest once every input is in. The inputs
 * live in this process's memory and nowhere else: not in a log, not on disk.
 *
 * <ul>
 *   <li>{@code GET /public-key}: the key to seal to (64 hex digits), trusted because the TLS
 *       certificate it comes over is the verified enclave's
 *   <li>{@code POST /inputs}: a sealed input; 201, or 400 (malformed), 403 (not sealed by a party),
 *       409 (the party's input is already in), 413 (too large)
 *   <li>{@code GET /result}: {@code {"status":"waiting","missing":[...]}} or {@code
 *       {"status":"done","richest":"bob"}} ({@code "richest":null,"tie":true} when equal)
 * </ul>
 */
public final class App {
  /** A sealed {@code {"wealth": ...}} is under 100 bytes: anything larger is not an input. */
  static final int MAX_INPUT_BYTES = 4096;

  private final Contest contest;
  private final InputKey key = new InputKey();

  private App(Contest contest) {
    this.contest = contest;
  }

  public static void main(String[] args) throws IOException, GeneralSecurityException {
    // Read before the server starts: a bad party list or TLS identity stops the app with its
    // reason.
    App app = new App(new Contest(Parties.load()));
    InetSocketAddress address = new InetSocketAddress(MseTls.host(), MseTls.port());
    HttpServer server;
    if (MseTls.enabled()) {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
      server = https;
    } else {
      // tls = "runtime" in mse.toml: the runtime serves TLS and forwards here on loopback.
      server = HttpServer.create(address, 0);
    }
    server.createContext("/", app::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    System.out.println(
        "millionaires listening on port "
            + server.getAddress().getPort()
            + ", parties: "
            + app.contest.parties().stream().map(Party::name).collect(Collectors.joining(", ")));
  }

  private void handle(HttpExchange e) throws IOException {
    try (e) {
      String path = e.getRequestURI().getPath();
      String allowed = path.equals("/inputs") ? "POST" : "GET";
      if (!e.getRequestMethod().equals(allowed)) {
        e.getResponseHeaders().set("Allow", allowed);
        send(e, 405, "application/json", error("use " + allowed));
        return;
      }
      switch (path) {
        case "/health" -> send(e, 200, "text/plain", "OK\n");
        case "/" -> send(e, 200, "text/plain", about());
        case "/public-key" ->
            send(e, 200, "text/plain", HexFormat.of().formatHex(key.publicKey()) + "\n");
        case "/result" -> send(e, 200, "application/json", result());
        case "/inputs" -> submit(e);
        default -> send(e, 404, "application/json", error("no such path: " + path));
      }
    }
  }

  private void submit(HttpExchange e) throws IOException {
    String tooLarge = "a sealed input is at most " + MAX_INPUT_BYTES + " bytes";
    String length = e.getRequestHeaders().getFirst("Content-Length");
    if (length != null
        && !(length.matches("\\d{1,9}") && Integer.parseInt(length) <= MAX_INPUT_BYTES)) {
      send(e, 413, "application/json", error(tooLarge));
      return;
    }
    byte[] sealed;
    try (InputStream in = e.getRequestBody()) {
      sealed = in.readNBytes(MAX_INPUT_BYTES + 1);
    }
    if (sealed.length > MAX_INPUT_BYTES) {
      send(e, 413, "application/json", error(tooLarge));
      return;
    }
    Optional<InputKey.Opened> opened;
    try {
      opened = key.open(sealed, contest.parties());
    } catch (InputKey.MalformedInput bad) {
      send(e, 400, "application/json", error("not a sealed input: " + bad.getMessage()));
      return;
    }
    if (opened.isEmpty()) {
      send(
          e,
          403,
          "application/json",
          error("not sealed to this app's key by a party of this contest"));
      return;
    }
    Party party = opened.get().party();
    Optional<Wealth> wealth = Wealth.parse(opened.get().content());
    if (wealth.isEmpty()) {
      // Said without the content: the app repeats nothing it was sealed.
      send(e, 400, "application/json", error("the sealed content is not {\"wealth\": <amount>}"));
      return;
    }
    if (!contest.submit(party, wealth.get())) {
      send(e, 409, "application/json", error(party.name() + "'s input is already in; it stays"));
      return;
    }
    System.out.println("input accepted from " + party.name());
    send(e, 201, "application/json", "{\"accepted\":\"" + party.name() + "\"}\n");
  }

  private String result() {
    return contest
        .outcome()
        .map(
            o ->
                switch (o) {
                  case Contest.Outcome.Richest r ->
                      "{\"status\":\"done\",\"richest\":\"" + r.name() + "\"}\n";
                  case Contest.Outcome.Tie t ->
                      "{\"status\":\"done\",\"richest\":null,\"tie\":true}\n";
                })
        .orElseGet(
            () ->
                "{\"status\":\"waiting\",\"missing\":["
                    + contest.missing().stream()
                        .map(n -> "\"" + n + "\"")
                        .collect(Collectors.joining(","))
                    + "]}\n");
  }

  private String about() {
    List<String> names = contest.parties().stream().map(Party::name).toList();
    return "Yao's millionaires, running in a TEE. Parties: "
        + String.join(", ", names)
        + ".\nGET /public-key, seal {\"wealth\": N} to it with 'mse home seal"
        + " --receiver-public-key', POST it to /inputs, then GET /result.\n";
  }

  private static String error(String message) {
    return "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n";
  }

  private static void send(HttpExchange e, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    e.sendResponseHeaders(status, bytes.length);
    e.getResponseBody().write(bytes);
  }
}
