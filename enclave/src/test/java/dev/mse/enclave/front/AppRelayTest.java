package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mse.enclave.appnet.AppPorts;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 connections are relayed to the app as bytes while it runs; the runtime still answers its
 * own paths on the same connections, and everything before the app runs.
 */
class AppRelayTest {
  private HttpServer app;
  private final AtomicInteger appRequests = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  final FrontMetrics metrics = new FrontMetrics();
  private TlsFront front;
  private SelfSigned tls;

  /** What the runtime's handler does, in small: its own paths, else the app through the proxy. */
  private static final class Runtime extends Handler.Wrapper {
    private final AtomicBoolean running;

    Runtime(int appPort, AtomicBoolean running) {
      super(new AppProxy(appPort));
      this.running = running;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      if (path.startsWith("/.well-known/mse/") || !running.get()) {
        response.getHeaders().put("Mse-Status", running.get() ? "running" : "waiting");
        response.write(
            true, ByteBuffer.wrap(("runtime " + path).getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
      return super.handle(request, response, callback);
    }
  }

  /** Whether the app takes its port through the app network, in memory (else over loopback). */
  boolean appInMemory() {
    return false;
  }

  @BeforeEach
  void start() throws Exception {
    int port = 0;
    if (appInMemory()) {
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      AppPorts.expect(port);
    }
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    app.createContext(
        "/peer",
        ex -> {
          byte[] body =
              (((InetSocketAddress) ex.getRemoteAddress()).getPort()
                      + " "
                      + ex.getRequestHeaders().getFirst("Forwarded"))
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    app.createContext(
        "/hello",
        ex -> {
          appRequests.incrementAndGet();
          String forwarded = ex.getRequestHeaders().getFirst("Forwarded");
          byte[] body =
              ("hello " + ex.getRequestURI().getQuery() + " via " + forwarded)
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    app.createContext(
        "/echo",
        ex -> {
          appRequests.incrementAndGet();
          // The JDK's client reads an HTTP/1.1 response only once it sent the whole request.
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    if (appInMemory()) {
      // As the bench app does: exchanges on virtual threads, reading in blocking mode.
      app.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    }
    app.start();
    tls = new SelfSigned();
    int appPort = app.getAddress().getPort();
    assertThat(AppPorts.taken(appPort)).isEqualTo(appInMemory());
    front =
        TlsFront.start(
            "127.0.0.1",
            0,
            new SwitchableKeyManager(tls.identity),
            new Runtime(appPort, running),
            Optional.of(new AppRoute(appPort, running::get)),
            metrics);
  }

  SSLContext tlsClientContext() throws Exception {
    return tls.clientContext();
  }

  int frontPort() {
    return front.port();
  }

  @AfterEach
  void stop() throws Exception {
    front.close();
    app.stop(0);
    AppPorts.forget(app.getAddress().getPort());
  }

  @Test
  void keepAliveRequestsGoToTheAppAndTheRuntimeStillAnswersItsPaths() throws Exception {
    try (RawHttp c = new RawHttp(tls.clientContext(), front.port())) {
      RawHttp.Response first = c.get1("/hello?n=1");
      RawHttp.Response second = c.get1("/hello?n=2");
      RawHttp.Response runtime = c.get1("/.well-known/mse/status");
      RawHttp.Response after = c.get1("/hello?n=3");

      assertThat(first.body())
          .startsWith("hello n=1 via for=\"127.0.0.1:")
          .endsWith(";proto=https");
      assertThat(second.body()).startsWith("hello n=2");
      assertThat(runtime.body()).isEqualTo("runtime /.well-known/mse/status");
      assertThat(runtime.headers()).containsEntry("mse-status", "running");
      assertThat(after.body()).startsWith("hello n=3");
      assertThat(appRequests).hasValue(3);
      assertThat(metrics.snapshot().activeConnections()).isEqualTo(1);
    }
    // The relay counted its two; the request after the runtime's went through the test's handler.
    assertThat(metrics.snapshot().requests()).isEqualTo(2);
    assertThat(metrics.snapshot().averageLatencyMs()).isPositive();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderAroundARuntimePath() throws Exception {
    try (RawHttp c = new RawHttp(tls.clientContext(), front.port())) {
      c.send(
          RawHttp.get("/hello?n=1"),
          RawHttp.get("/hello?n=2"),
          RawHttp.get("/.well-known/mse/evidence"),
          RawHttp.get("/hello?n=3"));

      assertThat(c.read().body()).startsWith("hello n=1");
      assertThat(c.read().body()).startsWith("hello n=2");
      assertThat(c.read().body()).isEqualTo("runtime /.well-known/mse/evidence");
      assertThat(c.read().body()).startsWith("hello n=3");
    }
  }

  @Test
  void pathsThatNeedNormalisingNeverReachTheAppAsRuntimePaths() throws Exception {
    try (RawHttp c = new RawHttp(tls.clientContext(), front.port())) {
      assertThat(c.get1("/hello?n=1").body()).startsWith("hello n=1");
      assertThat(c.get1("/x/../.well-known/mse/status").body())
          .isEqualTo("runtime /.well-known/mse/status");
      assertThat(c.get1("/%2Ewell-known/mse/status").body())
          .isEqualTo("runtime /.well-known/mse/status");
    }
    assertThat(appRequests).hasValue(1);
  }

  @Test
  void headAnswersUpgradesTheAppIgnoresAndOversizedHeadsKeepTheFramingRight() throws Exception {
    try (RawHttp c = new RawHttp(tls.clientContext(), front.port())) {
      c.send("HEAD /hello?n=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawHttp.Response head = c.read(true);
      c.send(
          "GET /hello?n=2 HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
              + "Upgrade: websocket\r\n\r\n");
      RawHttp.Response notUpgraded = c.read();
      RawHttp.Response runtime = c.get1("/.well-known/mse/status");
      c.send(
          "GET /hello?n=3 HTTP/1.1\r\nHost: localhost\r\nX-Big: "
              + "x".repeat(10_000)
              + "\r\n\r\n");
      RawHttp.Response big = c.read();

      // The answers that follow show the relay knew the HEAD answer had no body.
      assertThat(head.status()).isEqualTo(200);
      assertThat(notUpgraded.body()).startsWith("hello n=2");
      assertThat(runtime.body()).isEqualTo("runtime /.well-known/mse/status");
      assertThat(big.status()).isEqualTo(431);
    }
  }

  @Test
  void nothingReachesTheAppBeforeItRuns() throws Exception {
    running.set(false);
    try (RawHttp c = new RawHttp(tls.clientContext(), front.port())) {
      RawHttp.Response r = c.get1("/hello");
      assertThat(r.headers()).containsEntry("mse-status", "waiting");

      running.set(true);
      // The connection now belongs to the runtime's handling, which proxies once the app runs.
      assertThat(c.get1("/hello?n=1").body()).startsWith("hello n=1");
    }
    assertThat(appRequests).hasValue(1);
  }

  @Test
  void aRelayedConnectionStopsRelayingWhenTheAppStopsRunning() throws Exception {
    try (RawHttp c = new RawHttp(tls.clientContext(), front.port())) {
      assertThat(c.get1("/hello?n=1").body()).startsWith("hello n=1");
      running.set(false);
      assertThat(c.get1("/hello?n=2").headers()).containsEntry("mse-status", "waiting");
    }
    assertThat(appRequests).hasValue(1);
  }

  @Test
  void largeBodiesStreamBothWaysWithLengthAndChunked() throws Exception {
    byte[] body = new byte[24 * 1024 * 1024];
    new Random(7).nextBytes(body);
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.clientContext())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    URI echo = URI.create("https://localhost:" + front.port() + "/echo");
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);

    HttpResponse<byte[]> sized =
        client.send(
            HttpRequest.newBuilder(echo).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    // An unknown length makes the client send the body chunked.
    HttpResponse<byte[]> chunked =
        client.send(
            HttpRequest.newBuilder(echo)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<String> after =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + front.port() + "/hello?n=1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(sized.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(MessageDigest.getInstance("SHA-256").digest(sized.body())).isEqualTo(digest);
    assertThat(MessageDigest.getInstance("SHA-256").digest(chunked.body())).isEqualTo(digest);
    assertThat(after.body()).startsWith("hello n=1");
  }

  @Test
  void http2StillGoesThroughTheRuntimesHandling() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.clientContext())
            .version(HttpClient.Version.HTTP_2)
            .build();
    HttpResponse<String> app =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + front.port() + "/hello?n=1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> runtime =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + front.port() + "/.well-known/mse/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(app.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(app.body()).startsWith("hello n=1");
    assertThat(runtime.body()).isEqualTo("runtime /.well-known/mse/status");
  }

  @Test
  void stoppingClosesIdleRelayedConnections() throws Exception {
    RawHttp c = new RawHttp(tls.clientContext(), front.port());
    assertThat(c.get1("/hello?n=1").body()).startsWith("hello n=1");

    front.close();

    assertThat(c.closedByServer()).isTrue();
    c.close();
  }
}
