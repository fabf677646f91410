package dev.mse.cli.proxy;

import dev.mse.cli.cloud.AppVerifier;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpUpgrader;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A browser's WebSocket upgrade, forwarded to the verified app. The upgrade request goes to the app
 * over a connection of the proxy's verifying client (a new connection's certificate is checked
 * against fresh evidence, a recent verdict reused, exactly as for plain requests); only when the
 * app answers 101 does the browser get the 101, with the app's handshake headers, and the two
 * connections become a byte tunnel ({@link Relay}). Any other answer goes back as it came; a
 * connection the evidence does not vouch for gets the browser a 502 page with the reason, and the
 * app's side nothing (the request is written only after the TLS handshake succeeded).
 *
 * <p>Jetty's reverse proxy forwards no upgrades, and relaying WebSocket frames through Jetty's
 * WebSocket client and server would terminate the protocol twice (two extension negotiations, a
 * subprotocol to choose before the app chose it, pings answered by the proxy): the tunnel is
 * simpler and keeps the handshake between the browser and the app. Once open, a tunnel stays on the
 * connection verified when it opened: its TLS session is with the key fresh evidence vouched for,
 * which an operator cannot move to another machine, so no later check concerns it; a new WebSocket
 * is a new upgrade, checked again.
 */
final class WebSocketUpgrade {
  /**
   * How long a tunnel may carry nothing before it closes: browsers do not ping, so an idle but live
   * WebSocket must outlast an HTTP connection's idle timeout by far.
   */
  static final Duration TUNNEL_IDLE = Duration.ofMinutes(30);

  private static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(60);
  private static final int MAX_REFUSAL_BODY = 1024 * 1024;

  /** Request headers that concern the browser's connection to the proxy, not the app. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authorization",
          "proxy-authenticate",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length");

  private final AppVerifier app;
  private final HttpClient client;
  private final Function<Throwable, Optional<String>> refusal;

  /**
   * @param client the proxy's verifying client, with Jetty's default protocol handlers (the one
   *     that takes the 101 included)
   * @param refusal the evidence check's reason, when it is why a connection to the app failed
   */
  WebSocketUpgrade(
      AppVerifier app, HttpClient client, Function<Throwable, Optional<String>> refusal) {
    this.app = app;
    this.client = client;
    this.refusal = refusal;
  }

  /** Whether {@code request} asks for a WebSocket (RFC 6455: GET, HTTP/1.1, the two headers). */
  static boolean isWebSocket(Request request) {
    return HttpMethod.GET.is(request.getMethod())
        && request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1
        && request.getHeaders().contains(HttpHeader.UPGRADE, "websocket")
        && request.getHeaders().contains(HttpHeader.CONNECTION, "upgrade");
  }

  void handle(Request request, Response response, Callback callback) {
    AtomicBoolean answered = new AtomicBoolean();
    Upgrader upgrader = new Upgrader(request, response, callback, answered);
    String query = request.getHttpURI().getQuery();
    URI target =
        URI.create(
            "https://"
                + authority()
                + request.getHttpURI().getPath()
                + (query == null ? "" : "?" + query));
    org.eclipse.jetty.client.Request upstream = client.newRequest(target);
    upstream.method(HttpMethod.GET).version(HttpVersion.HTTP_1_1);
    // How Jetty's client hands a 101 over: to the upgrader this request attribute makes.
    upstream.attribute(
        HttpUpgrader.Factory.class.getName(), (HttpUpgrader.Factory) version -> upgrader);
    upstream.timeout(HANDSHAKE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    upstream.headers(
        h -> {
          for (HttpField f : request.getHeaders()) {
            String name = f.getLowerCaseName();
            if (!HOP_BY_HOP.contains(name) && !namedByConnection(request, name)) {
              h.add(f);
            }
          }
          h.put(HttpHeader.UPGRADE, "websocket");
          h.put(HttpHeader.CONNECTION, "Upgrade");
          origin(request).ifPresent(o -> h.put(HttpHeader.ORIGIN, o));
        });
    upstream.send(
        new BufferingResponseListener(MAX_REFUSAL_BODY) {
          @Override
          public void onComplete(Result result) {
            if (!answered.compareAndSet(false, true)) {
              return;
            }
            if (result.isFailed()) {
              failed(response, callback, result.getFailure());
              return;
            }
            // The app did not switch (a 403 for the origin, a 404): its answer, as it came.
            org.eclipse.jetty.client.Response r = result.getResponse();
            response.setStatus(r.getStatus());
            String type = r.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (type != null) {
              response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            }
            response.write(true, java.nio.ByteBuffer.wrap(getContent()), callback);
          }
        });
  }

  private void failed(Response response, Callback callback, Throwable failure) {
    if (response.isCommitted()) {
      callback.failed(failure);
      return;
    }
    Optional<String> refused = refusal.apply(failure);
    if (refused.isPresent()) {
      ErrorPage.write(response, 502, app.domain() + " is not verified", refused.get(), callback);
    } else {
      ErrorPage.write(
          response,
          502,
          app.domain() + " cannot be reached",
          String.valueOf(failure.getMessage()),
          callback);
    }
  }

  private String authority() {
    return app.port() == 443 ? app.domain() : app.domain() + ":" + app.port();
  }

  private static boolean namedByConnection(Request request, String name) {
    for (String token : request.getHeaders().getCSV(HttpHeader.CONNECTION, false)) {
      if (token.toLowerCase(Locale.ROOT).equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Origin the app gets. A page the proxy served (its origin is the proxy's own) is the app's
   * page, so the app sees its own origin and its same-origin check passes as for a direct visit;
   * any other page's origin goes unchanged, so the app's check still refuses another site's scripts
   * (a WebSocket is not bound by CORS: the origin check is the app's only defence).
   */
  private Optional<String> origin(Request request) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (origin == null || host == null || !origin.equalsIgnoreCase("http://" + host)) {
      return Optional.empty();
    }
    return Optional.of("https://" + authority());
  }

  /** Takes the app's 101: answers the browser with it, then joins the two connections. */
  private final class Upgrader implements HttpUpgrader {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean answered;

    Upgrader(Request request, Response response, Callback callback, AtomicBoolean answered) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.answered = answered;
    }

    @Override
    public void prepare(org.eclipse.jetty.client.Request upstream) {
      // The headers are the browser's, copied in handle().
    }

    @Override
    public void upgrade(
        org.eclipse.jetty.client.Response upstream, EndPoint appEnd, Callback done) {
      if (!answered.compareAndSet(false, true)) {
        appEnd.close();
        done.failed(new IllegalStateException("the browser's request was already answered"));
        return;
      }
      try {
        EndPoint browserEnd = request.getConnectionMetaData().getConnection().getEndPoint();
        Relay fromApp = new Relay(appEnd, client.getExecutor(), client.getByteBufferPool(), false);
        Relay fromBrowser =
            new Relay(
                browserEnd,
                request.getComponents().getExecutor(),
                request.getComponents().getByteBufferPool(),
                true);
        Relay.pair(fromApp, fromBrowser);
        appEnd.setIdleTimeout(TUNNEL_IDLE.toMillis());
        browserEnd.setIdleTimeout(TUNNEL_IDLE.toMillis());
        // The app's side switches now but reads nothing until the browser's side switched too.
        appEnd.upgrade(fromApp);
        response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
        for (HttpField f : upstream.getHeaders()) {
          String name = f.getLowerCaseName();
          if (!name.equals("content-length") && !name.equals("transfer-encoding")) {
            response.getHeaders().add(f);
          }
        }
        // Jetty switches the browser's connection to this relay once the 101 is written.
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, fromBrowser);
        callback.succeeded();
        done.succeeded();
      } catch (RuntimeException e) {
        appEnd.close(e);
        done.failed(e);
        failed(response, callback, e);
      }
    }
  }
}
