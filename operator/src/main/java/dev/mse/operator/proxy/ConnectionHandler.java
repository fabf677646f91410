package dev.mse.operator.proxy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One accepted connection, from its ClientHello to the end of the relay. */
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

  void serve(SocketChannel channel) {
    Socket client = channel.socket();
    SocketAddress peer = client.getRemoteSocketAddress();
    try {
      client.setTcpNoDelay(true);
      ClientHello hello;
      try {
        long deadline = System.nanoTime() + config.limits().helloTimeout().toNanos();
        hello = parser.read(new DeadlineInputStream(client, deadline));
      } catch (ClientHelloFormatException e) {
        refuse(
            client, TlsAlert.DECODE_ERROR, peer, "unreadable ClientHello (" + e.getMessage() + ")");
        return;
      } catch (SocketTimeoutException e) {
        LOG.info(
            "closed {}: no complete ClientHello within {}", peer, config.limits().helloTimeout());
        return;
      }
      Optional<String> name = hello.serverName();
      if (name.isEmpty()) {
        refuse(client, TlsAlert.HANDSHAKE_FAILURE, peer, "no server name in the ClientHello");
        return;
      }
      Optional<Route> route = lookup(name.get());
      if (route.isEmpty()) {
        refuse(client, TlsAlert.UNRECOGNIZED_NAME, peer, "no app named " + name.get());
        return;
      }
      Route r = route.get();
      if (!proxy.acquire(r.appId())) {
        refuse(
            client, TlsAlert.INTERNAL_ERROR, peer, "app " + r.appId() + " at its connection limit");
        return;
      }
      try {
        switch (r.mode()) {
          case PASSTHROUGH -> passthrough(channel, hello, r, peer);
          case TERMINATE -> terminate(client, hello, name.get(), r, peer);
        }
      } finally {
        proxy.release(r.appId());
      }
    } catch (IOException e) {
      LOG.debug("connection from {} ended: {}", peer, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Relay.closeQuietly(client);
    }
  }

  /** The route table is the other teams' code: a failure there refuses one connection only. */
  private Optional<Route> lookup(String name) {
    try {
      return routes.route(name);
    } catch (RuntimeException e) {
      LOG.warn("route table failed for {}: {}", name, e.toString());
      return Optional.empty();
    }
  }

  private void passthrough(SocketChannel client, ClientHello hello, Route route, SocketAddress peer)
      throws IOException, InterruptedException {
    SocketChannel node = SocketChannel.open();
    proxy.track(node.socket());
    try {
      try {
        node.setOption(StandardSocketOptions.TCP_NODELAY, true);
        node.socket().connect(route.node(), millis(config.connectTimeout()));
        ByteBuffer replay = ByteBuffer.wrap(hello.rawUnsafe());
        while (replay.hasRemaining()) {
          node.write(replay);
        }
      } catch (IOException e) {
        refuse(
            client.socket(),
            TlsAlert.INTERNAL_ERROR,
            peer,
            "node of app " + route.appId() + " unreachable (" + e.getMessage() + ")");
        return;
      }
      relay(
          new ChannelRelay(client, node, proxy.nextLoop(), config.idleTimeout()),
          route,
          hello.size());
    } finally {
      proxy.untrack(node.socket());
      node.close();
    }
  }

  /**
   * Verifies the node first, then ends the client's TLS: a node that fails RA-TLS verification
   * costs the client a plaintext alert and never sees a byte of theirs.
   */
  private void terminate(
      Socket client, ClientHello hello, String name, Route route, SocketAddress peer)
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
                  .createSocket(client, new ByteArrayInputStream(hello.rawUnsafe()), true);
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

  private void relay(Relay relay, Route route, long replayed) throws InterruptedException {
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
  private static void refuse(Socket client, TlsAlert alert, SocketAddress peer, String why) {
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
