package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.enclave.appnet.AppPorts;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay with an app built on Jetty, in memory. Unlike the JDK's {@code HttpServer}, which
 * registers its connection anew for every request, Jetty (like Netty) registers an accepted
 * connection once, with no interest, and asks to read later: the app's selector must start and stop
 * watching the client's socket as that interest and the relay's state change, on a key that stays.
 */
class AppRelayJettyAppTest {
  private Server app;
  private int appPort;
  private TlsFront front;
  private SelfSigned tls;
  private final FrontMetrics metrics = new FrontMetrics();
  private static final byte[] BIG = new byte[6 * 1024 * 1024];

  static {
    Random random = new Random(11);
    for (int i = 0; i < BIG.length; i++) {
      BIG[i] = (byte) ('a' + random.nextInt(26));
    }
  }

  @BeforeEach
  void start() throws Exception {
    appPort = freePort();
    AppPorts.expect(appPort);
    app = jettyApp(appPort);
    app.start();
    assertThat(AppPorts.taken(appPort)).isTrue();
    tls = new SelfSigned();
    front = front(appPort, metrics);
  }

  private static int freePort() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  private TlsFront front(int port, FrontMetrics counted) throws Exception {
    return TlsFront.start(
        "127.0.0.1",
        0,
        new SwitchableKeyManager(tls.identity),
        new AppProxy(port),
        Optional.of(new AppRoute(port, () -> true)),
        counted);
  }

  /** A Jetty app on {@code port}: {@code /big} answers {@link #BIG}, the rest echoes. */
  private static Server jettyApp(int port) {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            if (Request.getPathInContext(request).equals("/big")) {
              // Larger than the socket takes at once: Jetty waits to write, with OP_WRITE interest.
              response.getHeaders().put("Content-Length", BIG.length);
              response.write(true, ByteBuffer.wrap(BIG), callback);
              return true;
            }
            ByteBuffer body = Content.Source.asByteBuffer(request);
            String text =
                Request.getPathInContext(request)
                    + " "
                    + request.getHttpURI().getQuery()
                    + " "
                    + StandardCharsets.UTF_8.decode(body);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            response.getHeaders().put("Content-Length", bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
            return true;
          }
        });
    return server;
  }

  @AfterEach
  void stop() throws Exception {
    front.close();
    app.stop();
    AppPorts.forget(appPort);
  }

  @Test
  void keepAliveRequestsAreAnsweredOneAfterAnother() throws Exception {
    // RawHttp gives up after 10 s: a connection nobody watches would wait for the idle timeout.
    try (RawHttp http = new RawHttp(tls.clientContext(), front.port())) {
      for (int i = 0; i < 20; i++) {
        RawHttp.Response r = http.get1("/hello?n=" + i);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("/hello n=" + i + " ");
      }
    }
    // The app's selector pulled them: the relay read the connection's TLS itself.
    assertThat(metrics.directTlsConnections()).isEqualTo(1);
  }

  @Test
  void largeResponsesThatWaitForTheClientLeaveTheConnectionUsable() throws Exception {
    try (RawHttp http = new RawHttp(tls.clientContext(), front.port())) {
      assertThat(http.get1("/first").status()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        // Both requests at once: the second waits behind a response the client reads late.
        http.send(RawHttp.get("/big"), RawHttp.get("/after?n=" + i));
        Thread.sleep(200);
        RawHttp.Response big = http.read();
        assertThat(big.body().equals(new String(BIG, StandardCharsets.US_ASCII)))
            .as("the whole large body, in order")
            .isTrue();
        assertThat(http.read().body()).isEqualTo("/after n=" + i + " ");
      }
    }
  }

  @Test
  void aBodyThatComesLaterOnAKeptConnectionReachesTheApp() throws Exception {
    try (RawHttp http = new RawHttp(tls.clientContext(), front.port())) {
      assertThat(http.get1("/first").status()).isEqualTo(200);
      assertThat(http.get1("/second").status()).isEqualTo(200);
      http.send("POST /late?x=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nhello");
      Thread.sleep(300);
      http.send(" mse");
      Thread.sleep(300);
      http.send("!");
      RawHttp.Response r = http.read();
      assertThat(r.body()).isEqualTo("/late x=1 hello mse!");
      assertThat(http.get1("/after").body()).isEqualTo("/after null ");
    }
  }

  @Test
  void aConnectionOpenedBeforeTheAppTookItsPortIsServedOnceItRuns() throws Exception {
    int port = freePort();
    AppPorts.expect(port);
    FrontMetrics counted = new FrontMetrics();
    TlsFront early = front(port, counted);
    Server late = jettyApp(port);
    try (RawHttp http = new RawHttp(tls.clientContext(), early.port())) {
      // The connection's relay starts reading on a thread of its own (no app in memory yet) once
      // the server has the client's Finished, a moment after the client's handshake returned.
      Thread.sleep(300);
      late.start();
      for (int i = 0; i < 10; i++) {
        assertThat(http.get1("/late?n=" + i).body()).isEqualTo("/late n=" + i + " ");
      }
    } finally {
      early.close();
      late.stop();
      AppPorts.forget(port);
    }
    // That thread kept reading, with Jetty's TLS: the app never pulled from under it.
    assertThat(counted.directTlsConnections()).isZero();
  }
}
