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
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TLS front proxies to a plain app on loopback: HTTP/1.1 and HTTP/2, bodies streamed. */
class TlsFrontTest {
  private HttpServer app;
  private TlsFront front;
  private HttpClient client;
  private SelfSigned tls;
  private SwitchableKeyManager keys;

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
    keys = new SwitchableKeyManager(tls.identity);
    front = TlsFront.start("127.0.0.1", 0, keys, new AppProxy(app.getAddress().getPort()));
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

  @Test
  void theOwnersIdentityIsServedToClientsAskingForItsDomainOnly() throws Exception {
    SelfSigned next = new SelfSigned();
    keys.serveOwner(next.identity, List.of("LocalHost.test"));

    SSLParameters sni = new SSLParameters();
    sni.setServerNames(List.of(new SNIHostName("localhost.test")));
    HttpClient asksForOwner =
        HttpClient.newBuilder().sslContext(next.clientContext()).sslParameters(sni).build();
    // SelfSigned names 127.0.0.1 too, so the JDK's hostname check passes for the owner's cert.
    assertThat(
            asksForOwner
                .send(
                    HttpRequest.newBuilder(
                            URI.create("https://127.0.0.1:" + front.port() + "/hello"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);

    // Without that name (here: no SNI at all), the attested identity is still served.
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(uri("/hello")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }
}
