package dev.mse.enclave.front;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's TLS, with connections that tell when they hold nothing ({@link QuietSslConnection}), and
 * a deadline for the handshake: a client that opens a connection and sends nothing, or part of a
 * hello, loses it after {@code handshake} rather than holding it for the idle timeout.
 */
final class FrontSslConnectionFactory extends SslConnectionFactory {
  private final Duration handshake;

  FrontSslConnectionFactory(SslContextFactory.Server tls, String nextProtocol, Duration handshake) {
    super(tls, nextProtocol);
    this.handshake = handshake;
  }

  @Override
  protected SslConnection newSslConnection(
      Connector connector, EndPoint endPoint, SSLEngine engine) {
    QuietSslConnection connection =
        new QuietSslConnection(
            connector.getByteBufferPool(),
            connector.getExecutor(),
            getSslContextFactory(),
            endPoint,
            engine,
            isDirectBuffersForEncryption(),
            isDirectBuffersForDecryption());
    Scheduler.Task deadline =
        connector
            .getScheduler()
            .schedule(
                () -> endPoint.close(new TimeoutException("no TLS handshake within " + handshake)),
                handshake.toMillis(),
                TimeUnit.MILLISECONDS);
    connection.addHandshakeListener(
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
    return connection;
  }
}
