package dev.mse.operator.api;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.OAuthLogin;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.console.Console;
import dev.mse.operator.store.Database;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
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
 * The operator's HTTP API (Jetty 12 core, virtual threads): plain HTTP on loopback by default, TLS
 * when the config names a key store.
 */
public final class ApiServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final boolean tls;
  private final ApiHandler handler;

  private ApiServer(Server server, ServerConnector connector, boolean tls, ApiHandler handler) {
    this.server = server;
    this.connector = connector;
    this.tls = tls;
    this.handler = handler;
  }

  /**
   * Starts the API on {@code config.apiHost():config.apiPort()} (port 0: any free port).
   *
   * @throws Exception when the port cannot be bound or the key store cannot be read
   */
  public static ApiServer start(
      OperatorConfig config,
      AccountService accounts,
      ProjectService projects,
      OAuthLogin oauth,
      HardwareCatalog hardware,
      AppService apps,
      Database db,
      Clock clock)
      throws Exception {
    ApiHandler handler =
        new ApiHandler(
            endpoints(config, accounts, projects, oauth, hardware, apps, clock), accounts);
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("operator-api");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector;
    if (config.apiTls().isPresent()) {
      http.addCustomizer(new SecureRequestCustomizer());
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      switch (config.apiTls().get()) {
        case OperatorConfig.Tls.KeyStoreFile k -> {
          ssl.setKeyStorePath(k.file().toString());
          ssl.setKeyStorePassword(k.password());
        }
        case OperatorConfig.Tls.PemFiles pem -> {
          PemKeyStore loaded = PemKeyStore.load(pem.certificateChain(), pem.privateKey());
          ssl.setKeyStore(loaded.keyStore());
          ssl.setKeyStorePassword(loaded.password());
        }
      }
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      connector =
          new ServerConnector(
              server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    connector.setHost(config.apiHost());
    connector.setPort(config.apiPort());
    connector.setIdleTimeout(60_000);
    server.addConnector(connector);
    // the web console answers / and /console/…; every other path goes to the API's router
    Console console = new Console(config, accounts, projects, hardware, apps, db, clock);
    server.setHandler(new Handler.Sequence(console.handler(), handler));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(5_000);
    server.start();
    return new ApiServer(server, connector, config.apiTls().isPresent(), handler);
  }

  static List<Endpoint> endpoints(
      OperatorConfig config,
      AccountService accounts,
      ProjectService projects,
      OAuthLogin oauth,
      HardwareCatalog hardware,
      AppService apps,
      Clock clock) {
    List<Endpoint> all = new ArrayList<>();
    all.addAll(new AccountEndpoints(accounts).endpoints());
    all.addAll(new CatalogEndpoints(projects, hardware, config).endpoints());
    all.addAll(new AppEndpoints(apps, config).endpoints());
    all.addAll(new LoginEndpoints(accounts, oauth, config).endpoints());
    return all;
  }

  /** The routes served, as {@code METHOD /path/{param}} (for the OpenAPI check). */
  public List<String> routes() {
    return handler.endpoints().stream().map(e -> e.method() + " " + e.template()).toList();
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The API's base URI, e.g. {@code http://127.0.0.1:8080}. */
  public URI uri() {
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    return URI.create((tls ? "https" : "http") + "://" + host + ":" + port());
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
