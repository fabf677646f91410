package dev.mse.operator.proxy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the proxy does around a connection's bytes: the route, the limits and metrics, and the
 * blocking paths a {@link ChannelRelay} hands off its loop (refusals with their alert, TERMINATE).
 */
final class ConnectionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SniProxy.class);
  private static final String[] HTTP_1_1 = {"http/1.1"};
  private static final int REFUSAL_DRAIN_MILLIS = 500;
  private static final long MAX_REFUSAL_DRAIN = 64 * 1024;

  private final ProxyConfig config;
  private final RouteTable routes;
  private final UpstreamTrust upstream;
  private final ProxyMetrics metrics;
  private final SniProxy proxy;
  private final ClientHelloParser parser;

  ConnectionHandler(
      ProxyConfig config,
      RouteTable routes,
      UpstreamTrust upstream,
      ProxyMetrics metrics,
      SniProxy proxy) {
    this.config = config;
    this.routes = routes;
    this.upstream = upstream;
    this.metrics = metrics;
    this.proxy = proxy;
    this.parser = new ClientHelloParser(config.maxHelloBytes());
  }

  /** What a connection handed off by its {@link RelayLoop} still needs, with blocking I/O. */
  @FunctionalInterface
  interface Blocking {
    void run(SocketChannel client) throws IOException, InterruptedException;
  }

  ClientHelloParser parser() {
    return parser;
  }

  /**
   * Finishes a connection off the loop, on a new virtual thread: the channel back in blocking mode,
   * {@code task}, then the close and the proxy's accounting ({@code released}).
   */
  void continueBlocking(
      SocketChannel channel, SocketAddress peer, Blocking task, Runnable released) {
    Socket client = channel.socket();
    proxy.track(client);
    Thread.ofVirtual()
        .name("sni-proxy-blocking")
        .start(
            () -> {
              try {
                channel.configureBlocking(true);
                task.run(channel);
              } catch (IOException e) {
                LOG.debug("connection from {} ended: {}", peer, e.getMessage());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                Relay.closeQuietly(client);
                proxy.untrack(client);
                released.run();
              }
            });
  }

  /** The route table is the other teams' code: a failure there refuses one connection only. */
  Optional<Route> lookup(String name) {
    try {
      return routes.route(name);
    } catch (RuntimeException e) {
      LOG.warn("route table failed for {}: {}", name, e.toString());
      return Optional.empty();
    }
  }

  /** Takes a slot of {@code app}'s share, or says no. */
  boolean acquire(UUID app) {
    return proxy.acquire(app);
  }

  void release(UUID app) {
    proxy.release(app);
  }

  void track(Relay relay) {
    proxy.track(relay);
  }

  void untrack(Relay relay) {
    proxy.untrack(relay);
  }

  /** A passthrough connection reached its node; metrics are the other teams' code, so guarded. */
  void opened(Route route) {
    try {
      metrics.connectionOpened(route.appId());
    } catch (RuntimeException e) {
      LOG.warn("metrics failed for {}: {}", route.appId(), e.toString());
    }
  }

  void closed(Route route, long clientToNode, long nodeToClient) {
    try {
      metrics.connectionClosed(route.appId(), clientToNode, nodeToClient);
    } catch (RuntimeException e) {
      LOG.warn("metrics failed for {}: {}", route.appId(), e.toString());
    }
  }

  /** TERMINATE within the app's share of connections; {@code received} was read on the loop. */
  void terminate(
      SocketChannel channel, byte[] received, String name, Route route, SocketAddress peer)
      throws IOException, InterruptedException {
    Socket client = channel.socket();
    if (!proxy.acquire(route.appId())) {
      refuse(
          client,
          TlsAlert.INTERNAL_ERROR,
          peer,
          "app " + route.appId() + " at its connection limit");
      return;
    }
    try {
      client.setTcpNoDelay(true);
      terminate(client, received, name, route, peer);
    } finally {
      proxy.release(route.appId());
    }
  }

  /**
   * Verifies the node first, then ends the client's TLS: a node that fails RA-TLS verification
   * costs the client a plaintext alert and never sees a byte of theirs.
   */
  private void terminate(
      Socket client, byte[] received, String name, Route route, SocketAddress peer)
      throws IOException, InterruptedException {
    if (config.terminate().isEmpty()) {
      refuse(client, TlsAlert.INTERNAL_ERROR, peer, "TERMINATE route but no operator certificate");
      return;
    }
    SSLSocket node;
    try {
      node = verifiedNode(route, name);
    } catch (IOException | RuntimeException e) {
      refuse(
          client,
          TlsAlert.INTERNAL_ERROR,
          peer,
          "node of app " + route.appId() + " refused (" + e.getMessage() + ")");
      return;
    }
    proxy.track(node);
    try {
      SSLContext operator = config.terminate().get();
      SSLSocket front =
          (SSLSocket)
              operator
                  .getSocketFactory()
                  .createSocket(client, new ByteArrayInputStream(received), true);
      SSLParameters parameters = front.getSSLParameters();
      parameters.setApplicationProtocols(HTTP_1_1);
      front.setSSLParameters(parameters);
      front.setSoTimeout(millis(config.limits().helloTimeout()));
      try {
        front.startHandshake();
      } catch (SSLException e) {
        LOG.info("closed {}: TLS with the client failed ({})", peer, e.getMessage());
        return;
      }
      relay(new StreamRelay(front, node, config.bufferSize(), config.idleTimeout()), route, 0);
    } finally {
      proxy.untrack(node);
      Relay.closeQuietly(node);
    }
  }

  private SSLSocket verifiedNode(Route route, String name) throws IOException {
    SSLContext context = upstream.contextFor(route);
    SSLSocket node = (SSLSocket) context.getSocketFactory().createSocket();
    try {
      node.setTcpNoDelay(true);
      node.connect(route.node(), millis(config.connectTimeout()));
      SSLParameters parameters = node.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(name)));
      parameters.setApplicationProtocols(HTTP_1_1);
      node.setSSLParameters(parameters);
      node.setSoTimeout(millis(config.connectTimeout()));
      node.startHandshake();
      upstream.confirm(route, node.getSession());
      return node;
    } catch (IOException | RuntimeException e) {
      Relay.closeQuietly(node);
      throw e;
    }
  }

  private void relay(StreamRelay relay, Route route, long replayed) throws InterruptedException {
    metrics.connectionOpened(route.appId());
    proxy.track(relay);
    Relay.Counts counts;
    try {
      counts = relay.run(replayed);
    } finally {
      proxy.untrack(relay);
    }
    metrics.connectionClosed(route.appId(), counts.clientToNode(), counts.nodeToClient());
  }

  /**
   * Sends the alert, then reads what the client still sends until it closes (briefly, boundedly):
   * closing a socket with unread input resets it, and a reset can overtake the alert.
   */
  static void refuse(Socket client, TlsAlert alert, SocketAddress peer, String why) {
    LOG.info("refused {}: {}; alert {}", peer, why, alert.description());
    try {
      alert.sendQuietly(client.getOutputStream());
      client.shutdownOutput();
      // one deadline for the whole drain: a client trickling bytes cannot hold the thread
      InputStream in =
          new DeadlineInputStream(client, System.nanoTime() + REFUSAL_DRAIN_MILLIS * 1_000_000L);
      byte[] discard = new byte[4096];
      long left = MAX_REFUSAL_DRAIN;
      int n;
      while (left > 0 && (n = in.read(discard)) >= 0) {
        left -= n;
      }
    } catch (IOException gone) {
      // the client left, or took too long to: the close that follows ends it
    }
  }

  private static int millis(java.time.Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }
}
