package dev.mse.enclave.front;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * Takes the front's HTTP/1.1 connections (by ALPN, or by default when the client names no protocol)
 * and relays them to the app ({@link AppRelay}); whatever the relay does not take goes to Jetty's
 * own HTTP/1.1 handling. HTTP/2 stays with Jetty and the proxy.
 */
final class AppRelayFactory extends AbstractConnectionFactory {
  private final HttpConnectionFactory http11;
  private final AppRoute route;
  private final FrontMetrics metrics;
  private final Set<AppRelay> relays = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  /**
   * Jetty's HTTP/1.1 input buffer for connections the relay hands over, which is all this factory's
   * {@code http11} serves. Jetty puts what the relay already decrypted into that buffer and drops
   * what does not fit (its {@code onUpgradeTo}), so it must hold the most a hand-over brings: a
   * request head (8 KiB), the rest of the relay's input (32 KiB), and what {@link
   * DirectTls#release} decrypts (what it had read, and the record it started: 32 KiB).
   */
  static final int HAND_OVER_INPUT = 80 * 1024;

  AppRelayFactory(HttpConnectionFactory http11, AppRoute route, FrontMetrics metrics) {
    super(http11.getProtocol());
    this.http11 = http11;
    http11.setInputBufferSize(HAND_OVER_INPUT);
    this.route = route;
    this.metrics = metrics;
    addBean(http11);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    return configure(new AppRelay(endPoint, connector, this), connector, endPoint);
  }

  HttpConnectionFactory http11() {
    return http11;
  }

  AppRoute route() {
    return route;
  }

  FrontMetrics metrics() {
    return metrics;
  }

  boolean stopping() {
    return stopping;
  }

  void opened(AppRelay relay) {
    relays.add(relay);
  }

  void closed(AppRelay relay) {
    relays.remove(relay);
  }

  /**
   * Stops relaying gracefully: idle connections close now, busy ones after the app answered what
   * they carry, no new request goes to the app. Waits at most {@code grace}.
   */
  void drain(Duration grace) throws InterruptedException {
    stopping = true;
    long deadline = System.nanoTime() + grace.toNanos();
    while (!relays.isEmpty() && System.nanoTime() < deadline) {
      for (AppRelay relay : relays) {
        if (relay.idle()) {
          relay.getEndPoint().close();
        }
      }
      Thread.sleep(20);
    }
  }
}
