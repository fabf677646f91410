package dev.mse.enclave.front;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The runtime's one TLS port (Jetty 12, virtual threads): HTTP/2 and HTTP/1.1 by ALPN, with the
 * identity of a {@link SwitchableKeyManager}. TLS ends here, inside the TEE. With an {@link
 * AppRoute}, HTTP/1.1 connections are relayed to the app as bytes ({@link AppRelay}) while it runs;
 * the rest (HTTP/2, the runtime's routes, everything before the app runs) goes to {@code handler}.
 */
public final class TlsFront implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final int MIN_THREADS = 4;
  private static final int IDLE_THREAD_MS = 2_000;
  // Defaults of -Dmse.front.handshakeMillis and -Dmse.front.connectionsPerSource.
  private static final long HANDSHAKE_MS = 10_000;
  private static final int CONNECTIONS_PER_SOURCE = 256;
  private final Server server;
  private final ServerConnector connector;
  private final Optional<AppRelayFactory> relay;

  private TlsFront(Server server, ServerConnector connector, Optional<AppRelayFactory> relay) {
    this.server = server;
    this.connector = connector;
    this.relay = relay;
  }

  /**
   * Starts serving {@code handler} on {@code host:port} (port 0: any free port), no relay.
   *
   * @throws Exception when the port cannot be bound or TLS cannot be set up
   */
  public static TlsFront start(String host, int port, SwitchableKeyManager keys, Handler handler)
      throws Exception {
    return start(host, port, keys, handler, Optional.empty(), new FrontMetrics());
  }

  /**
   * Starts serving on {@code host:port} (port 0: any free port): HTTP/1.1 relayed to {@code app}
   * when given, the rest by {@code handler}; client connections counted in {@code metrics}.
   *
   * @throws Exception when the port cannot be bound or TLS cannot be set up
   */
  public static TlsFront start(
      String host,
      int port,
      SwitchableKeyManager keys,
      Handler handler,
      Optional<AppRoute> app,
      FrontMetrics metrics)
      throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("front");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    // Few platform threads, none kept in reserve, and those a burst of handshakes started gone
    // soon after it: relayed requests run on the app's threads, and every platform thread is
    // stopped and scanned at each of the app's young collections (the pool's defaults kept 24-35
    // threads under load; docs/benchmarks.md, session 6).
    pool.setMinThreads(MIN_THREADS);
    pool.setReservedThreads(0);
    pool.setIdleTimeout(IDLE_THREAD_MS);
    pool.setMaxEvictCount(Integer.MAX_VALUE);
    Server server = new Server(pool);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // RA-TLS certificates name the app's domain, which clients may reach by IP or another name.
    secure.setSniHostCheck(false);
    secure.setSniRequired(false);
    http.addCustomizer(secure);

    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(sslContext(keys));
    tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http11.getProtocol());
    SslConnectionFactory ssl =
        new FrontSslConnectionFactory(
            tls,
            alpn.getProtocol(),
            Duration.ofMillis(Long.getLong("mse.front.handshakeMillis", HANDSHAKE_MS)));

    Optional<AppRelayFactory> relay = app.map(route -> new AppRelayFactory(http11, route, metrics));
    ServerConnector connector =
        new FrontConnector(
            server,
            Integer.getInteger("mse.front.connectionsPerSource", CONNECTIONS_PER_SOURCE),
            ssl,
            alpn,
            h2,
            relay.isPresent() ? relay.get() : http11);
    connector.addBean(metrics);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(60_000);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(5_000);
    server.start();
    return new TlsFront(server, connector, relay);
  }

  private static SSLContext sslContext(SwitchableKeyManager keys) throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    // No trust managers: clients are never asked for certificates, and none (rather than null)
    // spares loading the JDK's CA store at start-up.
    ctx.init(new KeyManager[] {keys}, new TrustManager[0], new SecureRandom());
    return ctx;
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops gracefully: relayed connections close once the app answered what they carry, then Jetty's
   * in-flight requests get up to five seconds to finish.
   */
  @Override
  public void close() throws Exception {
    if (relay.isPresent()) {
      relay.get().drain(GRACE);
    }
    server.stop();
  }
}
