package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS front with Jetty's reverse proxy ({@code tls = "runtime"}) to a plain app on loopback:
 * HTTP/1.1 and HTTP/2, bodies streamed.
 */
class TlsFrontTest {
  private HttpServer app;
  private TlsFront front;
  private HttpClient client;
  private SelfSigned tls;

  @BeforeEach
  void start() throws Exception {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext(
        "/hello",
        ex -> {
          byte[] body = ("hello " + ex.getRequestURI().getQuery()).getBytes();
          ex.getResponseHeaders().add("X-App", "yes");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    app.createContext(
        "/echo",
        ex -> {
          ex.sendResponseHeaders(200, 0);
          try (InputStream in = ex.getRequestBody();
              OutputStream out = ex.getResponseBody()) {
            in.transferTo(out);
          }
        });
    app.start();
    tls = new SelfSigned();
    front = TlsFront.start("127.0.0.1", 0, tls.identity, new AppProxy(app.getAddress().getPort()));
    client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
  }

  @AfterEach
  void stop() throws Exception {
    front.close();
    app.stop(0);
  }

  private URI uri(String path) {
    return URI.create("https://localhost:" + front.port() + path);
  }

  @Test
  void proxiesOverHttp2WithQueryAndHeaders() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(uri("/hello?name=mse"))
                .version(HttpClient.Version.HTTP_2)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.body()).isEqualTo("hello name=mse");
    assertThat(r.headers().firstValue("X-App")).contains("yes");
  }

  @Test
  void proxiesOverHttp11() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(uri("/hello?x=1")).version(HttpClient.Version.HTTP_1_1).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r.body()).isEqualTo("hello x=1");
  }

  @Test
  void streamsLargeBodiesBothWays() throws Exception {
    byte[] body = new byte[24 * 1024 * 1024];
    new Random(7).nextBytes(body);

    CompletableFuture<HttpResponse<byte[]>> exchange =
        client.sendAsync(
            HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> r;
    try {
      // Seconds here; this failed once in CI after a 30 s stall (the idle timeout): if it stalls
      // again, the threads' stacks at that moment say where.
      r = exchange.get(25, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      StringBuilder dump = new StringBuilder("stalled echo, threads:\n");
      Thread.getAllStackTraces()
          .forEach(
              (thread, stack) -> {
                dump.append(thread).append('\n');
                for (StackTraceElement frame : stack) {
                  dump.append("    at ").append(frame).append('\n');
                }
              });
      throw new AssertionError(dump.toString(), e);
    }

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(MessageDigest.getInstance("SHA-256").digest(r.body()))
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(body));
  }
}
