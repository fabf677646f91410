package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * One client opens many connections to the front and never finishes a handshake (nothing at all, or
 * part of a ClientHello): the connections beyond its share are closed at once, the others at the
 * handshake deadline, and other clients are served meanwhile.
 */
class FrontStallTest {
  private static final int PER_SOURCE = 20;
  private static final InetAddress ATTACKER = InetAddress.ofLiteral("127.0.0.1");
  private static final InetAddress OTHER = InetAddress.ofLiteral("127.0.0.2");

  /** A TLS record header announcing a ClientHello of 512 bytes, and its first few bytes. */
  private static final byte[] PARTIAL_HELLO = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01};

  private static final Handler OK =
      new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
          response.setStatus(200);
          response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), callback);
          return true;
        }
      };

  private static int get(SelfSigned tls, InetAddress from, int port) throws Exception {
    HttpClient client =
        HttpClient.newBuilder().sslContext(tls.clientContext()).localAddress(from).build();
    try (client) {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/")).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  /** Reads until the front closes the connection (it never answers: no handshake). */
  private static void awaitClosedByFront(Socket socket) throws IOException {
    socket.setSoTimeout(30_000);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // An alert, at most.
      }
    } catch (java.net.SocketException reset) {
      // Closed with our partial hello unread: a reset.
    }
  }

  /** A front with these limits, stalled connections from {@link #ATTACKER} and their end. */
  private static void withFront(
      long handshakeMillis, int perSource, int connections, FrontCheck check) throws Exception {
    System.setProperty("mse.front.handshakeMillis", Long.toString(handshakeMillis));
    System.setProperty("mse.front.connectionsPerSource", Integer.toString(perSource));
    SelfSigned tls = new SelfSigned();
    List<Socket> stalled = new ArrayList<>();
    try (TlsFront front =
        TlsFront.start("127.0.0.1", 0, new SwitchableKeyManager(tls.identity), OK)) {
      for (int i = 0; i < connections; i++) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(ATTACKER, 0));
        s.connect(new InetSocketAddress(ATTACKER, front.port()));
        if (i % 2 == 1) {
          s.getOutputStream().write(PARTIAL_HELLO);
        }
        stalled.add(s);
      }
      check.run(tls, front.port(), stalled);
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
      System.clearProperty("mse.front.handshakeMillis");
      System.clearProperty("mse.front.connectionsPerSource");
    }
  }

  interface FrontCheck {
    void run(SelfSigned tls, int port, List<Socket> stalled) throws Exception;
  }

  @Test
  void connectionsBeyondASourcesShareAreClosedAtOnceAndOthersAreServed() throws Exception {
    // A handshake deadline far beyond the reads' 30 s: only the share can close connections here.
    withFront(
        600_000,
        PER_SOURCE,
        PER_SOURCE + 10,
        (tls, port, stalled) -> {
          for (Socket beyond : stalled.subList(PER_SOURCE, stalled.size())) {
            awaitClosedByFront(beyond);
          }
          assertThat(get(tls, OTHER, port))
              .as("another client is served while one holds its share")
              .isEqualTo(200);

          for (Socket s : stalled.subList(0, PER_SOURCE)) {
            s.close();
          }
          assertThat(servedOnceReleased(tls, ATTACKER, port))
              .as("closed connections no longer count against their source")
              .isEqualTo(200);
        });
  }

  @Test
  void stalledHandshakesAreClosedAtTheDeadline() throws Exception {
    withFront(
        2_000,
        1_000,
        20,
        (tls, port, stalled) -> {
          // Nothing, or part of a hello: closed without our closing them, and before the reads'
          // 30 s (the idle timeout, 60 s, would not be).
          for (Socket s : stalled) {
            awaitClosedByFront(s);
          }
          assertThat(get(tls, ATTACKER, port)).isEqualTo(200);
        });
  }

  /** The status of a GET from {@code from}, once the front noticed the source's closed sockets. */
  private static int servedOnceReleased(SelfSigned tls, InetAddress from, int port)
      throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return get(tls, from, port);
      } catch (IOException refused) {
        if (attempt == 100) {
          throw refused;
        }
        Thread.sleep(50);
      }
    }
  }
}
