package dev.mse.operator.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/** A loopback server for the proxy to route to: plain TCP or TLS, one virtual thread each. */
final class TestBackend implements AutoCloseable {
  @FunctionalInterface
  interface Handler {
    void handle(Socket socket) throws IOException;
  }

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private TestBackend(ServerSocket server, Handler handler) {
    this.server = server;
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                Socket s;
                try {
                  s = server.accept();
                } catch (IOException closed) {
                  return;
                }
                open.add(s);
                Thread.ofVirtual()
                    .start(
                        () -> {
                          try (s) {
                            handler.handle(s);
                          } catch (IOException ignored) {
                            // the test decides what a failure means
                          } finally {
                            open.remove(s);
                          }
                        });
              }
            });
  }

  static TestBackend plain(Handler handler) throws IOException {
    ServerSocket s = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    return new TestBackend(s, handler);
  }

  static TestBackend tls(SSLContext context, Handler handler) throws IOException {
    ServerSocket s =
        context
            .getServerSocketFactory()
            .createServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    return new TestBackend(s, handler);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  /** Echoes every byte; at the end of input, closes. */
  static void echo(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
