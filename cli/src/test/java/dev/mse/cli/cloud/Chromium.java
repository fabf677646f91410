package dev.mse.cli.cloud;

import dev.mse.cli.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol (a WebSocket from the JDK's
 * HttpClient): open a page, evaluate JavaScript in it. No browser download, no driver library.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  private final Process process;
  private final WebSocket page;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private Chromium(Process process, WebSocket page) {
    this.process = process;
    this.page = page;
  }

  static Chromium start(Path profile) throws Exception {
    Process p =
        new ProcessBuilder(
                List.of(
                    BINARY.toString(),
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--remote-allow-origins=*",
                    "--remote-debugging-port=0",
                    "--user-data-dir=" + profile,
                    "about:blank"))
            .redirectErrorStream(true)
            .redirectOutput(profile.resolveSibling("chromium.log").toFile())
            .start();
    Path portFile = profile.resolve("DevToolsActivePort");
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (Instant.now().isAfter(deadline) || !p.isAlive()) {
        p.destroyForcibly();
        throw new AssertionError("Chromium did not start its DevTools endpoint");
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).getFirst().strip());
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets =
        Json.MAPPER.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String ws = null;
    for (JsonNode t : targets) {
      if (t.path("type").asString().equals("page")) {
        ws = t.path("webSocketDebuggerUrl").asString();
      }
    }
    if (ws == null) {
      p.destroyForcibly();
      throw new AssertionError("Chromium has no page target: " + targets);
    }
    Chromium[] self = new Chromium[1];
    StringBuilder frame = new StringBuilder();
    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(ws),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    frame.append(data);
                    if (last) {
                      JsonNode message = Json.MAPPER.readTree(frame.toString());
                      frame.setLength(0);
                      if (message.has("id") && self[0] != null) {
                        CompletableFuture<JsonNode> f =
                            self[0].pending.remove(message.path("id").asInt());
                        if (f != null) {
                          f.complete(message);
                        }
                      }
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    self[0] = new Chromium(p, socket);
    return self[0];
  }

  JsonNode send(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = Json.object();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    page.sendText(Json.MAPPER.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
    return answer.get(30, TimeUnit.SECONDS);
  }

  void navigate(String url) throws Exception {
    ObjectNode p = Json.object();
    p.put("url", url);
    send("Page.navigate", p);
  }

  /** The value of a JavaScript expression in the page. */
  JsonNode evaluate(String expression) throws Exception {
    ObjectNode p = Json.object();
    p.put("expression", expression);
    p.put("returnByValue", true);
    return send("Runtime.evaluate", p).path("result").path("result").path("value");
  }

  /** Evaluates {@code expression} until it is true. */
  void await(String expression, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (evaluate(expression).asBoolean(false)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the page never satisfied: " + expression);
  }

  @Override
  public void close() {
    page.abort();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
