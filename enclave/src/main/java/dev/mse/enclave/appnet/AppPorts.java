package dev.mse.enclave.appnet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app's port, as the runtime named it before starting the app, and the server channel that took
 * it. Only the one port is ever taken, by the first channel bound to it.
 */
public final class AppPorts {
  private static final Object EXPECTED = new Object();
  private static final ConcurrentHashMap<Integer, Object> PORTS = new ConcurrentHashMap<>();

  /**
   * The peer the app sees on connections from inside the runtime: port 0, which no TCP peer has.
   */
  public static final InetSocketAddress RUNTIME =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

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
    return SelectorProvider.provider() instanceof AppNetProvider;
  }

  /** Whether an app server channel holds {@code port} now. */
  public static boolean taken(int port) {
    return server(port).isPresent();
  }

  private static Optional<AppServerChannel> server(int port) {
    return PORTS.get(port) instanceof AppServerChannel server && server.isOpen()
        ? Optional.of(server)
        : Optional.empty();
  }

  static boolean claim(int port, AppServerChannel channel) {
    return PORTS.replace(port, EXPECTED, channel);
  }

  static void release(int port, AppServerChannel channel) {
    PORTS.replace(port, channel, EXPECTED);
  }

  /**
   * Opens an in-memory connection to the app's server channel on {@code port} for a client inside
   * the runtime (the front's proxy, the health check), if the app took that port through NIO: the
   * returned channel is the client's end; the app sees {@link #RUNTIME} as its peer.
   */
  public static Optional<SocketChannel> open(int port) {
    return server(port)
        .flatMap(
            server -> {
              FrontConnection[] ends =
                  FrontConnection.pair(server.provider(), server.bound(), RUNTIME);
              return server.arrive(ends[0]) ? Optional.of(ends[1]) : Optional.empty();
            });
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
    return server(port)
        .flatMap(
            server -> {
              FrontConnection connection =
                  new FrontConnection(server.provider(), server.bound(), remote, sink);
              return server.arrive(connection) ? Optional.of(connection) : Optional.empty();
            });
  }
}
