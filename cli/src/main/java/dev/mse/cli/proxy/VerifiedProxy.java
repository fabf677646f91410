package dev.mse.cli.proxy;

import dev.mse.cli.cloud.AppVerifier;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.client.DuplexConnectionPool;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's reverse proxy to the verified app, over TLS whose only trust decision is {@link
 * EvidenceTrust}: each new connection to the app is a full handshake checked against fresh evidence
 * (a recent verdict reused), and every handshake, resumed or not, is confirmed after it completes.
 * A request whose connection is refused gets an HTML 502 with the reason, never the app's bytes.
 */
final class VerifiedProxy extends ProxyHandler.Reverse {
  private final AppVerifier app;
  private final EvidenceTrust trust;
  private final Duration lifetime;
  private final WebSocketUpgrade webSockets;

  VerifiedProxy(AppVerifier app, EvidenceTrust trust, Duration lifetime) {
    super(request -> target(request, app));
    this.app = app;
    this.trust = trust;
    this.lifetime = lifetime;
    // The app sees its own name, as a browser that reached it directly would send.
    setProxyToServerHost(authority(app));
    // Upgrades go through a client of their own: the reverse proxy's client drops Jetty's handler
    // of 101 answers (ProxyHandler.configureHttpClient), which the WebSocket tunnel needs. Same
    // TLS, same trust; started and stopped with this handler.
    HttpClient upgrades = newHttpClient();
    upgrades.setUserAgentField(null);
    upgrades.setHttpCookieStore(new HttpCookieStore.Empty());
    upgrades.getContentDecoderFactories().clear();
    addBean(upgrades);
    this.webSockets = new WebSocketUpgrade(app, upgrades, this::refusal);
  }

  private static String authority(AppVerifier app) {
    return app.port() == 443 ? app.domain() : app.domain() + ":" + app.port();
  }

  private static HttpURI target(Request request, AppVerifier app) {
    HttpURI uri = request.getHttpURI();
    return HttpURI.build()
        .scheme("https")
        .host(app.domain())
        .port(app.port())
        .path(uri.getPath())
        .query(uri.getQuery());
  }

  /**
   * Forwards WebSocket upgrades ({@link WebSocketUpgrade}) and refuses any other upgrade with a
   * page that says so: Jetty's reverse proxy would drop the upgrade headers and forward a plain
   * request, which fails in the browser without a reason.
   */
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (WebSocketUpgrade.isWebSocket(request)) {
      webSockets.handle(request, response, callback);
      return true;
    }
    if (request.getHeaders().contains(HttpHeader.UPGRADE)) {
      ErrorPage.write(
          response,
          501,
          "mse proxy forwards WebSocket upgrades only",
          "Upgrades to other protocols are not forwarded; plain HTTP/1.1 requests and WebSocket"
              + " (GET with Upgrade: websocket) are.",
          callback);
      return true;
    }
    return super.handle(request, response, callback);
  }

  @Override
  protected HttpClient newHttpClient() {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trust}, new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS", e);
    }
    // Sessions resume for no longer than a verdict lasts; confirm() checks resumed ones anyway.
    context
        .getClientSessionContext()
        .setSessionTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, lifetime.toSeconds())));
    SslContextFactory.Client tls = new SslContextFactory.Client();
    tls.setSslContext(context);
    // The name is not what binds the app: fresh evidence about the served key is. The JDK leaves
    // the identification to an X509ExtendedTrustManager (EvidenceTrust), which checks the claims'
    // domain instead of the certificate's names; the SNI is explicit because the operator's proxy
    // routes on it.
    tls.setEndpointIdentificationAlgorithm("HTTPS");
    tls.setSNIProvider((engine, names) -> List.of(new SNIHostName(app.domain())));
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(tls);
    connector.addBean(
        new SslHandshakeListener() {
          @Override
          public void handshakeSucceeded(Event event) throws javax.net.ssl.SSLException {
            trust.confirm(event.getSSLEngine().getSession());
          }
        });
    HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
    // A connection to the app is reused no longer than a verdict lasts: past that, requests go
    // over new connections, whose certificate is checked against fresh evidence again.
    transport.setConnectionPoolFactory(
        destination -> {
          DuplexConnectionPool pool =
              new DuplexConnectionPool(
                  destination, destination.getHttpClient().getMaxConnectionsPerDestination());
          pool.setMaxDuration(lifetime.toMillis());
          return pool;
        });
    HttpClient client = new HttpClient(transport);
    // DOMAIN is reached where the verifier connects (a *.localhost name is loopback).
    client.setSocketAddressResolver(
        (host, port, context2, promise) ->
            promise.succeeded(
                List.of(
                    new InetSocketAddress(
                        host.equalsIgnoreCase(app.domain()) ? app.connectHost() : host, port))));
    client.setFollowRedirects(false);
    return client;
  }

  @Override
  protected void onServerToProxyResponseFailure(
      Request clientToProxyRequest,
      org.eclipse.jetty.client.Request proxyToServerRequest,
      org.eclipse.jetty.client.Response serverToProxyResponse,
      Response proxyToClientResponse,
      Callback proxyToClientCallback,
      Throwable failure) {
    if (proxyToClientResponse.isCommitted()) {
      proxyToClientCallback.failed(failure);
      return;
    }
    Optional<String> refused = refusal(failure);
    if (refused.isPresent()) {
      ErrorPage.write(
          proxyToClientResponse,
          502,
          app.domain() + " is not verified",
          refused.get(),
          proxyToClientCallback);
    } else {
      ErrorPage.write(
          proxyToClientResponse,
          502,
          app.domain() + " cannot be reached",
          String.valueOf(failure.getMessage()),
          proxyToClientCallback);
    }
  }

  /** The evidence check's reason, when it is why the connection to the app failed. */
  Optional<String> refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof EvidenceTrust.Refused r) {
        return Optional.of(r.getMessage());
      }
      if (t instanceof javax.net.ssl.SSLException && trust.lastRefusal().isPresent()) {
        return trust.lastRefusal();
      }
    }
    return Optional.empty();
  }
}
