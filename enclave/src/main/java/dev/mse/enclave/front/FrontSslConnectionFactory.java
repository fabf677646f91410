package dev.mse.enclave.front;

import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Jetty's TLS, with connections that tell when they hold nothing ({@link QuietSslConnection}). */
final class FrontSslConnectionFactory extends SslConnectionFactory {
  FrontSslConnectionFactory(SslContextFactory.Server tls, String nextProtocol) {
    super(tls, nextProtocol);
  }

  @Override
  protected SslConnection newSslConnection(
      Connector connector, EndPoint endPoint, SSLEngine engine) {
    return new QuietSslConnection(
        connector.getByteBufferPool(),
        connector.getExecutor(),
        getSslContextFactory(),
        endPoint,
        engine,
        isDirectBuffersForEncryption(),
        isDirectBuffersForDecryption());
  }
}
