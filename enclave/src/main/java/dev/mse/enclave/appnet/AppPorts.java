package dev.mse.enclave.appnet;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app's port, as the runtime named it before starting the app, and the server channel that took
 * it. Only the one port is ever taken, by the first channel bound to it.
 */
public final class AppPorts {
  private static final Object EXPECTED = new Object();
  private static final ConcurrentHashMap<Integer, Object> PORTS = new ConcurrentHashMap<>();

  private AppPorts() {}

  /** The app will listen on {@code port}: the first NIO server channel bound to it becomes it. */
  public static void expect(int port) {
    PORTS.putIfAbsent(port, EXPECTED);
  }

  /** No app will take {@code port} after all (for tests that run several apps in one JVM). */
  public static void forget(int port) {
    PORTS.remove(port, EXPECTED);
  }

  /** Whether the JVM runs with {@link AppNetProvider}, i.e. whether the app's port can be taken. */
  public static boolean available() {
    return java.nio.channels.spi.SelectorProvider.provider() instanceof AppNetProvider;
  }

  /** Whether an app server channel holds {@code port} now. */
  public static boolean taken(int port) {
    return PORTS.get(port) instanceof AppServerChannel server && server.isOpen();
  }

  static boolean claim(int port, AppServerChannel channel) {
    return PORTS.replace(port, EXPECTED, channel);
  }

  static void release(int port, AppServerChannel channel) {
    PORTS.replace(port, channel, EXPECTED);
  }

  /**
   * Opens an in-memory connection to the app's server channel on {@code port} for a client inside
   * the runtime, if the app took that port through NIO: the returned channel is the client's end.
   *
   * @param from the address the app sees as the connection's peer
   */
  public static Optional<SocketChannel> open(int port, SocketAddress from) {
    if (!(PORTS.get(port) instanceof AppServerChannel server) || !server.isOpen()) {
      return Optional.empty();
    }
    try {
      FrontConnection[] ends =
          FrontConnection.pair(server.provider(), server.getLocalAddress(), from);
      return server.arrive(ends[0]) ? Optional.of(ends[1]) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Opens an in-memory connection to the app's server channel on {@code port}, if the app took it
   * through NIO and still has it open.
   *
   * @param remote the client's address, which the app sees as the connection's peer
   * @param sink where the app's bytes go
   */
  public static Optional<FrontConnection> connect(
      int port, SocketAddress remote, ResponseSink sink) {
    if (!(PORTS.get(port) instanceof AppServerChannel server) || !server.isOpen()) {
      return Optional.empty();
    }
    try {
      FrontConnection connection =
          new FrontConnection(server.provider(), server.getLocalAddress(), remote, sink);
      return server.arrive(connection) ? Optional.of(connection) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
