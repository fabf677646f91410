package dev.mse.enclave.front;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
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
 * identity of a {@link SwitchableKeyManager}. TLS ends here, inside the TEE.
 */
public final class TlsFront implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  private TlsFront(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts serving {@code handler} on {@code host:port} (port 0: any free port).
   *
   * @throws Exception when the port cannot be bound or TLS cannot be set up
   */
  public static TlsFront start(String host, int port, SwitchableKeyManager keys, Handler handler)
      throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("front");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
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
    SslConnectionFactory ssl = new SslConnectionFactory(tls, alpn.getProtocol());

    ServerConnector connector = new ServerConnector(server, ssl, alpn, h2, http11);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(60_000);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(5_000);
    server.start();
    return new TlsFront(server, connector);
  }

  private static SSLContext sslContext(SwitchableKeyManager keys) throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {keys}, null, new SecureRandom());
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
