package dev.mse.enclave.appnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The app network under unmodified servers (the test JVM runs with the runtime's provider, see the
 * module's pom): the JDK's {@code HttpServer}, Jetty, and a blocking thread-per-connection server
 * each take the app's port in memory and answer the front's connections, while loopback clients and
 * every other channel keep working, and no descriptor leaks.
 */
class AppNetTest {
  private int port;

  @BeforeEach
  void freePort() throws IOException {
    assertThat(SelectorProvider.provider()).isInstanceOf(AppNetProvider.class);
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    AppPorts.expect(port);
  }

  @AfterEach
  void forget() {
    AppPorts.forget(port);
  }

  /** The front's side in small: collects what the app writes. */
  private static final class Collector implements ResponseSink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public synchronized long write(ByteBuffer[] buffers, int offset, int length, boolean blocking) {
      long n = 0;
      for (int i = offset; i < offset + length; i++) {
        byte[] b = new byte[buffers[i].remaining()];
        buffers[i].get(b);
        bytes.writeBytes(b);
        n += b.length;
      }
      notifyAll();
      return n;
    }

    @Override
    public boolean writable() {
      return true;
    }

    @Override
    public void ended() {
      ended.countDown();
    }

    synchronized String awaitContaining(String text, int times) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 10_000;
      while (count(bytes.toString(StandardCharsets.ISO_8859_1), text) < times) {
        long left = deadline - System.currentTimeMillis();
        assertThat(left).as("waiting for %s x%d in %s", text, times, bytes).isPositive();
        wait(left);
      }
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static int count(String s, String text) {
      int n = 0;
      for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
        n++;
      }
      return n;
    }
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String loopbackGet(int port, String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void theJdkHttpServerAnswersInMemoryAndOverLoopbackAlike() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] body = ("peer " + ex.getRemoteAddress()).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try {
      assertThat(AppPorts.taken(port)).isTrue();
      Collector front = new Collector();
      SocketAddress client = new InetSocketAddress("192.0.2.7", 40123);
      FrontConnection c = AppPorts.connect(port, client, front).orElseThrow();
      for (int i = 0; i < 3; i++) {
        c.send(ascii("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        front.awaitContaining("HTTP/1.1 200", i + 1);
      }
      assertThat(front.awaitContaining("peer /192.0.2.7:40123", 3)).startsWith("HTTP/1.1 200");
      // The app's own loopback clients (health checks) reach the same server.
      assertThat(loopbackGet(port, "/")).contains("200 OK").contains("peer /127.0.0.1:");
      c.endInput();
      assertThat(front.ended.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      server.stop(0);
    }
    assertThat(AppPorts.taken(port)).isFalse();
    assertThat(AppPorts.connect(port, null, new Collector())).isEmpty();
  }

  @Test
  void jettyTakesThePortAndStreamsLargeBodiesBothWays() throws Exception {
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
            byte[] body = Content.Source.asByteBuffer(request).array();
            response.getHeaders().put("Content-Length", body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
          }
        });
    server.start();
    try {
      assertThat(AppPorts.taken(port)).isTrue();
      byte[] body = new byte[3 * FrontConnection.WINDOW + 12345];
      new Random(7).nextBytes(body);
      Collector front = new Collector();
      FrontConnection c =
          AppPorts.connect(port, new InetSocketAddress("127.0.0.1", 1), front).orElseThrow();
      c.send(
          ascii(
              "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n"));
      // More than the window: send waits for Jetty to read, in pieces.
      for (int off = 0; off < body.length; off += 40_000) {
        c.send(ByteBuffer.wrap(body, off, Math.min(40_000, body.length - off)).slice());
      }
      assertThat(front.ended.await(20, TimeUnit.SECONDS)).isTrue();
      byte[] all = front.bytes.toByteArray();
      byte[] echoed = new byte[body.length];
      System.arraycopy(all, all.length - body.length, echoed, 0, body.length);
      assertThat(echoed).isEqualTo(body);
      assertThat(loopbackGet(port, "/")).contains("200 OK");
    } finally {
      server.stop();
    }
  }

  @Test
  void aBlockingThreadPerConnectionServerWorksThroughItsSocketStreams() throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.socket().bind(new InetSocketAddress("127.0.0.1", port));
    Thread acceptor =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      Socket s = server.accept().socket();
                      Thread.ofVirtual()
                          .start(
                              () -> {
                                try (s;
                                    InputStream in = s.getInputStream();
                                    OutputStream out = s.getOutputStream()) {
                                  int b;
                                  while ((b = in.read()) >= 0 && b != '\n') {
                                    out.write(Character.toUpperCase(b));
                                  }
                                  out.write('\n');
                                } catch (IOException ignored) {
                                  // The test checks what arrived.
                                }
                              });
                    }
                  } catch (IOException closed) {
                    // The test closed the server.
                  }
                });
    try {
      assertThat(AppPorts.taken(port)).isTrue();
      Collector front = new Collector();
      FrontConnection c =
          AppPorts.connect(port, new InetSocketAddress("127.0.0.1", 2), front).orElseThrow();
      c.send(ascii("hello in memory\n"));
      assertThat(front.ended.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(front.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("HELLO IN MEMORY\n");
      assertThatThrownBy(() -> c.socket().getInputStream().read()).isInstanceOf(IOException.class);
    } finally {
      server.close();
      acceptor.join(5_000);
    }
  }

  @Test
  void aNonBlockingChannelRefusesStreamsAndOtherPortsStayTheJdks() throws Exception {
    try (ServerSocketChannel other = ServerSocketChannel.open()) {
      other.bind(new InetSocketAddress("127.0.0.1", 0));
      assertThat(((AppServerChannel) other).inMemory()).isFalse();
      try (ServerSocketChannel app = ServerSocketChannel.open()) {
        app.bind(new InetSocketAddress("127.0.0.1", port));
        assertThat(((AppServerChannel) app).inMemory()).isTrue();
        // A second channel on the app's port is not the app's port twice.
        FrontConnection c =
            AppPorts.connect(port, new InetSocketAddress("127.0.0.1", 3), new Collector())
                .orElseThrow();
        app.configureBlocking(false);
        try (Selector selector = Selector.open()) {
          app.register(selector, SelectionKey.OP_ACCEPT);
          assertThat(selector.select(5_000)).isEqualTo(1);
          SocketChannel accepted = app.accept();
          assertThat(accepted).isSameAs(c);
          accepted.configureBlocking(false);
          assertThatThrownBy(() -> accepted.socket().getInputStream().read())
              .isInstanceOf(IllegalBlockingModeException.class);
          assertThat(accepted.getRemoteAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 3));
        }
      }
    }
  }

  @Test
  void jdkChannelsClosedWhileRegisteredReleaseTheirDescriptors() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    server.start();
    try {
      int other = server.getAddress().getPort();
      loopbackGet(other, "/");
      long before = openDescriptors();
      for (int i = 0; i < 300; i++) {
        assertThat(loopbackGet(other, "/")).startsWith("HTTP/1.1 204");
      }
      Thread.sleep(1_500);
      // Each request's socket went through a mixed selector: none may be left open.
      assertThat(openDescriptors()).isLessThan(before + 20);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aRegisteredChannelClosedAnywhereIsReleasedByTheLastSelectorToDropIt() throws Exception {
    try (ServerSocketChannel listener = ServerSocketChannel.open();
        Selector selector = Selector.open()) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      assertThat(selector.getClass().getSimpleName()).isEqualTo("MixedSelector");
      long before = openDescriptors();
      for (int i = 0; i < 100; i++) {
        SocketChannel ch = SocketChannel.open(listener.getLocalAddress());
        SocketChannel peer = listener.accept();
        ch.configureBlocking(false);
        SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
        assertThat(key.selector()).isSameAs(selector);
        assertThat(ch.keyFor(selector)).isSameAs(key);
        if (i % 2 == 0) {
          ch.close();
        } else {
          // Closed while the selector waits on another thread.
          Thread closer =
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          Thread.sleep(5);
                          ch.close();
                          peer.write(ByteBuffer.wrap(new byte[] {1}));
                        } catch (Exception ignored) {
                          // Checked below through the descriptors.
                        }
                      });
          selector.select(1_000);
          closer.join();
        }
        selector.selectNow();
        selector.selectNow();
        assertThat(key.isValid()).isFalse();
        peer.close();
      }
      assertThat(openDescriptors()).isLessThan(before + 10);
      // Cancel, then blocking mode at once, then the same selector again: the JDK HttpServer's way.
      SocketChannel ch = SocketChannel.open(listener.getLocalAddress());
      try (SocketChannel peer = listener.accept()) {
        ch.configureBlocking(false);
        SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
        key.cancel();
        ch.configureBlocking(true);
        selector.selectNow();
        ch.configureBlocking(false);
        SelectionKey again = ch.register(selector, SelectionKey.OP_READ);
        assertThat(again).isNotSameAs(key);
        peer.write(ByteBuffer.wrap(new byte[] {42}));
        assertThat(selector.select(5_000)).isEqualTo(1);
        assertThat(selector.selectedKeys()).containsExactly(again);
        assertThatThrownBy(() -> selector.selectedKeys().add(key))
            .isInstanceOf(UnsupportedOperationException.class);
      } finally {
        ch.close();
      }
    }
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
