package dev.mse.enclave.front;

import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
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
 * A TLS port of the runtime (Jetty 12, virtual threads): HTTP/2 and HTTP/1.1 by ALPN (HTTP/1.1 when
 * the client names none), with one fixed identity. The runtime has two: the enclave port (its own
 * routes, with the RA-TLS certificate) and, only with {@code tls = "runtime"}, the app port (a
 * reverse proxy to the app). TLS ends here, inside the TEE. Plain Jetty, configured through its
 * public API only.
 */
public final class TlsFront implements AutoCloseable {
  private static final int MIN_THREADS = 4;
  private static final int IDLE_THREAD_MS = 2_000;
  // Defaults of -Dmse.front.handshakeMillis and -Dmse.front.connectionsPerSource.
  private static final long HANDSHAKE_MS = 10_000;
  private static final int CONNECTIONS_PER_SOURCE = 256;
  private final Server server;
  private final ServerConnector connector;

  private TlsFront(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts serving {@code handler} on {@code host:port} (port 0: any free port) as {@code
   * identity}.
   *
   * @throws Exception when the port cannot be bound or TLS cannot be set up
   */
  public static TlsFront start(String host, int port, ServerIdentity identity, Handler handler)
      throws Exception {
    return prepare(host, port).start(identity, handler);
  }

  /**
   * Makes Jetty's objects for a port on {@code host:port} without binding it: most of a port's
   * start-up is the class initialization done here, which the runtime does on another core while
   * its TEE makes the identity the port will serve.
   */
  public static Unstarted prepare(String host, int port) {
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("front");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    // Few platform threads and none in reserve: they share the JVM with the app, and every
    // platform thread is stopped and scanned at each of the app's young collections.
    pool.setMinThreads(MIN_THREADS);
    pool.setReservedThreads(0);
    pool.setIdleTimeout(IDLE_THREAD_MS);
    Server server = new Server(pool);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // RA-TLS certificates name the app's domain, which clients may reach by IP or another name.
    secure.setSniHostCheck(false);
    secure.setSniRequired(false);
    http.addCustomizer(secure);

    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http11.getProtocol());
    SslConnectionFactory ssl = new SslConnectionFactory(tls, alpn.getProtocol());

    ServerConnector connector = new ServerConnector(server, ssl, alpn, h2, http11);
    connector.addBean(
        new ConnectionGuard(
            server.getScheduler(),
            Duration.ofMillis(Long.getLong("mse.front.handshakeMillis", HANDSHAKE_MS)),
            Integer.getInteger("mse.front.connectionsPerSource", CONNECTIONS_PER_SOURCE)));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(60_000);
    server.addConnector(connector);
    server.setStopTimeout(5_000);
    return (identity, handler) -> {
      tls.setSslContext(sslContext(identity));
      server.setHandler(handler);
      server.start();
      return new TlsFront(server, connector);
    };
  }

  /** A port made by {@link #prepare}, to be started once. */
  @FunctionalInterface
  public interface Unstarted {
    /**
     * Binds the port and serves {@code handler} as {@code identity}.
     *
     * @throws Exception when the port cannot be bound or TLS cannot be set up
     */
    TlsFront start(ServerIdentity identity, Handler handler) throws Exception;
  }

  private static SSLContext sslContext(ServerIdentity identity) throws Exception {
    char[] none = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, none);
    store.setKeyEntry(
        "identity", identity.key(), none, identity.chain().toArray(Certificate[]::new));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, none);
    SSLContext ctx = SSLContext.getInstance("TLS");
    // No trust managers: clients are never asked for certificates, and none (rather than null)
    // spares loading the JDK's CA store at start-up.
    ctx.init(keys.getKeyManagers(), new TrustManager[0], new SecureRandom());
    return ctx;
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops gracefully: in-flight requests get up to five seconds to finish. */
  @Override
  public void close() throws Exception {
    server.stop();
  }
}
