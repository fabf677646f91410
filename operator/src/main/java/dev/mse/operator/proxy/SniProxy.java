package dev.mse.operator.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's TLS port: reads each connection's ClientHello, finds the app by its SNI name in
 * the {@link RouteTable} and either relays the TLS bytes untouched to the node ({@link
 * Route.Mode#PASSTHROUGH}) or ends TLS with the operator's certificate and re-encrypts to the node
 * over verified RA-TLS ({@link Route.Mode#TERMINATE}).
 *
 * <p>A passthrough connection lives on one of a few selector threads ({@link RelayLoop}, one per
 * core) from its first byte to its close, without blocking and without changing threads ({@link
 * ChannelRelay}), as in nginx's workers. Refusals and TERMINATE leave the loop for a virtual thread
 * with blocking JDK sockets, where the code is simplest; TERMINATE's plaintext moves there too
 * ({@link StreamRelay}). Connections it will not serve get a fatal TLS alert and are closed; each
 * refusal is logged on one line with the reason, never with the client's bytes. The {@link
 * ProxyLimits} bound what one source, one app and everyone together hold; a source over its share
 * is refused on the accepting thread before any byte is read, so a flood from one client costs the
 * others nothing.
 */
public final class SniProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SniProxy.class);
  private static final long ACCEPT_BACKOFF_MILLIS = 50;
  private static final int ACCEPT_BATCH = 16;
  private static final long REFUSAL_LOG_PERIOD_NANOS = 60_000_000_000L;

  private final ProxyConfig config;
  private final ConnectionHandler handler;
  private final AtomicInteger open = new AtomicInteger();
  private final ConnectionSlots<UUID> perApp;
  private final ConnectionSlots<InetAddress> perSource;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Relay> relays = ConcurrentHashMap.newKeySet();
  private volatile ServerSocketChannel server;
  private volatile InetSocketAddress bound;
  private volatile RelayLoop[] loops;
  // refusals for load, for the log (guarded by this)
  private long lastRefusalLogged = System.nanoTime() - REFUSAL_LOG_PERIOD_NANOS;
  private long refusedSinceLogged;

  public SniProxy(
      ProxyConfig config, RouteTable routes, UpstreamTrust upstream, ProxyMetrics metrics) {
    this.config = config;
    this.perApp = new ConnectionSlots<>(config.limits().maxConnectionsPerApp());
    this.perSource = new ConnectionSlots<>(config.limits().maxConnectionsPerSource());
    this.handler = new ConnectionHandler(config, routes, upstream, metrics, this);
  }

  /** Binds the port and starts accepting; returns this, for try-with-resources. */
  public synchronized SniProxy start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    ServerSocketChannel listening = ServerSocketChannel.open();
    try {
      listening.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listening.bind(config.bind(), config.backlog());
    } catch (IOException e) {
      listening.close();
      throw e;
    }
    RelayLoop[] relayLoops = new RelayLoop[Runtime.getRuntime().availableProcessors()];
    for (int i = 0; i < relayLoops.length; i++) {
      relayLoops[i] = new RelayLoop("sni-proxy-relay-" + i, config.bufferSize());
    }
    loops = relayLoops;
    bound = (InetSocketAddress) listening.getLocalAddress();
    server = listening;
    // every loop accepts for itself, as nginx's workers do: a connection starts on the thread
    // that will serve it, with no hand-off from an accepting thread
    listening.configureBlocking(false);
    for (RelayLoop loop : relayLoops) {
      loop.execute(
          () -> {
            try {
              listening.register(
                  loop.selector(),
                  SelectionKey.OP_ACCEPT,
                  (RelayLoop.Ready) key -> accept(loop, key));
            } catch (IOException e) {
              LOG.warn("relay loop cannot accept: {}", e.toString());
            }
          });
    }
    Thread.ofVirtual().name("sni-proxy-idle-sweeper").start(() -> sweep(listening));
    LOG.info(
        "SNI proxy listening on {} (max {} connections, {} per app, {} per source; {} for a"
            + " ClientHello)",
        bound,
        config.limits().maxConnections(),
        config.limits().maxConnectionsPerApp(),
        config.limits().maxConnectionsPerSource(),
        config.limits().helloTimeout());
    return this;
  }

  /** The bound port; with port 0 in the config, the one the system chose. */
  public int port() {
    return address().getPort();
  }

  public InetSocketAddress address() {
    InetSocketAddress a = bound;
    if (a == null) {
      throw new IllegalStateException("not started");
    }
    return a;
  }

  /** Connections being served right now. */
  public int openConnections() {
    return open.get();
  }

  /** Stops accepting and closes every connection. */
  public void stop() {
    close();
  }

  @Override
  public synchronized void close() {
    ServerSocketChannel s = server;
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (Relay relay : relays) {
        relay.closeBoth();
      }
      for (Socket socket : sockets) {
        Relay.closeQuietly(socket);
      }
      for (RelayLoop loop : loops) {
        loop.close();
      }
      awaitWorkersDone();
    }
  }

  /** The workers of the closed connections finish at once; close returns once they have. */
  private void awaitWorkersDone() {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (open.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Accepts on {@code loop}'s thread: every loop watches the one listening socket. */
  private void accept(RelayLoop loop, SelectionKey key) {
    ServerSocketChannel listening = server;
    // a few per wake-up, so one loop does not take a whole burst while the other idles
    for (int i = 0; i < ACCEPT_BATCH; i++) {
      SocketChannel channel;
      try {
        channel = listening.accept();
      } catch (IOException e) {
        if (listening.isOpen()) {
          // typically out of descriptors: pause rather than spin on a failing accept
          LOG.warn("accept failed: {}", e.getMessage());
          pauseAccepting(loop, key);
        }
        return;
      }
      if (channel == null) {
        return;
      }
      admit(loop, channel);
    }
  }

  private static void pauseAccepting(RelayLoop loop, SelectionKey key) {
    key.interestOps(0);
    Thread.ofVirtual()
        .name("sni-proxy-accept-backoff")
        .start(
            () -> {
              try {
                Thread.sleep(ACCEPT_BACKOFF_MILLIS);
              } catch (InterruptedException e) {
                return;
              }
              loop.execute(
                  () -> {
                    if (key.isValid()) {
                      key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                  });
            });
  }

  private void admit(RelayLoop loop, SocketChannel channel) {
    InetSocketAddress peer;
    try {
      peer = (InetSocketAddress) channel.getRemoteAddress();
    } catch (IOException e) {
      Relay.closeQuietly(channel.socket());
      return;
    }
    InetAddress source = ConnectionSource.of(peer.getAddress());
    // refused on the loop: the channel is still blocking, and an alert into an empty send buffer
    // never blocks
    if (!perSource.tryTake(source)) {
      refuseOverload(channel.socket(), "its source has " + perSource.limit() + " connections open");
      return;
    }
    if (open.incrementAndGet() > config.limits().maxConnections()) {
      open.decrementAndGet();
      perSource.give(source);
      refuseOverload(
          channel.socket(), config.limits().maxConnections() + " connections open, the limit");
      return;
    }
    ChannelRelay relay =
        new ChannelRelay(
            channel,
            peer,
            loop,
            handler,
            config,
            () -> {
              open.decrementAndGet();
              perSource.give(source);
            });
    relays.add(relay);
    relay.start();
  }

  /**
   * Sends an alert and closes. Logged at warn at most once a minute with the count since (a flood
   * must not become a flood of log lines), at debug otherwise. Runs on any loop.
   */
  private synchronized void refuseOverload(Socket client, String why) {
    refusedSinceLogged++;
    long now = System.nanoTime();
    if (now - lastRefusalLogged >= REFUSAL_LOG_PERIOD_NANOS) {
      LOG.warn(
          "refused {}: {} ({} refused for load since the last such line)",
          client.getRemoteSocketAddress(),
          why,
          refusedSinceLogged);
      lastRefusalLogged = now;
      refusedSinceLogged = 0;
    } else {
      LOG.debug("refused {}: {}", client.getRemoteSocketAddress(), why);
    }
    try (client) {
      TlsAlert.INTERNAL_ERROR.sendQuietly(client.getOutputStream());
    } catch (IOException ignored) {
      // already gone
    }
  }

  /**
   * Closes relays idle for the idle timeout, and loop connections past their hello or connect
   * deadline, until the proxy closes.
   */
  private void sweep(ServerSocketChannel listening) {
    // a quarter of the shortest deadline it enforces: hellos and connects are timed here too
    long shortest =
        Math.min(
            config.idleTimeout().toMillis(),
            Math.min(
                config.limits().helloTimeout().toMillis(), config.connectTimeout().toMillis()));
    long period = Math.clamp(shortest / 4, 10, 1_000);
    while (listening.isOpen()) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Relay relay : relays) {
        if (relay.idle(now)) {
          relay.closeBoth();
        }
      }
    }
  }

  void track(Relay relay) {
    relays.add(relay);
  }

  void untrack(Relay relay) {
    relays.remove(relay);
  }

  /** Takes a slot of {@code app}'s share, or says no. */
  boolean acquire(UUID app) {
    return perApp.tryTake(app);
  }

  void release(UUID app) {
    perApp.give(app);
  }

  /** Tracks a socket the proxy opened, so {@link #close()} reaches it. */
  void track(Socket socket) {
    sockets.add(socket);
  }

  void untrack(Socket socket) {
    sockets.remove(socket);
  }
}
