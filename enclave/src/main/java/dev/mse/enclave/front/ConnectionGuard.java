package dev.mse.enclave.front;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Two limits on a TLS port, through Jetty's public connection events: a connection that has not
 * finished its TLS handshake after {@code handshake} is closed (a client that sends nothing, or
 * part of a hello, does not hold it for the idle timeout), and one source address holds at most
 * {@code perSource} connections at once (those beyond are closed as soon as they open). Behind the
 * operator's SNI proxy every connection comes from the proxy, which limits its own clients; the
 * operator raises the limit with {@code -Dmse.front.connectionsPerSource}.
 */
final class ConnectionGuard implements Connection.Listener {
  private final Scheduler scheduler;
  private final Duration handshake;
  private final int perSource;
  private final ConcurrentHashMap<InetAddress, Integer> openBySource = new ConcurrentHashMap<>();

  ConnectionGuard(Scheduler scheduler, Duration handshake, int perSource) {
    this.scheduler = scheduler;
    this.handshake = handshake;
    this.perSource = perSource;
  }

  // Each client connection has exactly one TLS connection under whatever protocol it speaks.
  @Override
  public void onOpened(Connection connection) {
    if (!(connection instanceof SslConnection tls)) {
      return;
    }
    EndPoint endPoint = connection.getEndPoint();
    InetAddress source = source(endPoint);
    if (source != null && openBySource.merge(source, 1, Integer::sum) > perSource) {
      endPoint.close(); // onClosed releases its count
      return;
    }
    Scheduler.Task deadline =
        scheduler.schedule(
            () -> endPoint.close(new TimeoutException("no TLS handshake within " + handshake)),
            handshake.toMillis(),
            TimeUnit.MILLISECONDS);
    tls.addHandshakeListener(
        new SslHandshakeListener() {
          @Override
          public void handshakeSucceeded(Event event) {
            deadline.cancel();
          }

          @Override
          public void handshakeFailed(Event event, Throwable failure) {
            deadline.cancel();
          }
        });
  }

  @Override
  public void onClosed(Connection connection) {
    InetAddress source =
        connection instanceof SslConnection ? source(connection.getEndPoint()) : null;
    if (source != null) {
      openBySource.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
    }
  }

  private static InetAddress source(EndPoint endPoint) {
    return endPoint.getRemoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }
}
