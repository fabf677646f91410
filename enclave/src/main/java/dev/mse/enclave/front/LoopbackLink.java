package dev.mse.enclave.front;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's port over loopback, for apps that did not bind it through NIO: one socket per client
 * connection, and a virtual thread that hands the app's bytes to the relay.
 */
final class LoopbackLink implements AppLink {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackLink.class);
  private static final int BUFFER = 16 * 1024;
  private final Socket socket;

  private LoopbackLink(Socket socket) {
    this.socket = socket;
  }

  /** Connects to the app on {@code port} and starts passing its bytes to {@code relay}. */
  static LoopbackLink open(int port, AppRelay relay) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    LoopbackLink link = new LoopbackLink(s);
    Thread.ofVirtual().name("mse-relay-responses").start(() -> link.responses(relay));
    return link;
  }

  private void responses(AppRelay relay) {
    byte[] buffer = new byte[BUFFER];
    ByteBuffer[] wrapped = new ByteBuffer[1];
    try (InputStream in = socket.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        wrapped[0] = ByteBuffer.wrap(buffer, 0, n);
        relay.write(wrapped, 0, 1, true);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("relay of responses ended: {}", e.toString());
    } finally {
      relay.ended();
    }
  }

  @Override
  public void send(ByteBuffer bytes) throws IOException {
    socket
        .getOutputStream()
        .write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
  }

  @Override
  public void endRequests() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already gone.
    }
  }
}
