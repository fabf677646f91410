package dev.mse.enclave.front;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's TLS connection, telling whether it holds any encrypted bytes: read from the socket but
 * not yet decrypted, or encrypted but not yet written. Only when it holds none may its socket and
 * {@link SSLEngine} be used directly ({@link DirectTls}) without losing or reordering a record.
 */
final class QuietSslConnection extends SslConnection {
  private volatile int encryptedHeld;
  private volatile boolean unflushed;

  QuietSslConnection(
      ByteBufferPool pool,
      Executor executor,
      SslContextFactory tls,
      EndPoint endPoint,
      SSLEngine engine,
      boolean directEncryption,
      boolean directDecryption) {
    super(pool, executor, tls, endPoint, engine, directEncryption, directDecryption);
  }

  /** Whether no encrypted input waits to be decrypted (valid once a fill returned nothing). */
  boolean inputQuiet() {
    return encryptedHeld == 0;
  }

  /** Whether every encrypted byte Jetty produced went to the socket. */
  boolean outputQuiet() {
    return !unflushed;
  }

  @Override
  protected int networkFill(ByteBuffer input) throws IOException {
    int n = super.networkFill(input);
    encryptedHeld = input.remaining();
    return n;
  }

  @Override
  protected SSLEngineResult unwrap(SSLEngine engine, ByteBuffer input, ByteBuffer output)
      throws SSLException {
    try {
      return super.unwrap(engine, input, output);
    } finally {
      encryptedHeld = input.remaining();
    }
  }

  @Override
  protected boolean networkFlush(ByteBuffer output) throws IOException {
    try {
      return super.networkFlush(output);
    } finally {
      unflushed = output.hasRemaining();
    }
  }
}
