package dev.mse.enclave.front;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * Blocking reads over Jetty's non-blocking (here: decrypted TLS) end point, for a relay that runs
 * on virtual threads. Jetty wakes the waiting thread straight from its selector: the callbacks are
 * declared non-blocking, so no pool thread is spent on the hand-off.
 */
final class BlockingEndPoint {
  private final EndPoint endPoint;

  BlockingEndPoint(EndPoint endPoint) {
    this.endPoint = endPoint;
  }

  /**
   * Reads what is there, waiting for at least one byte.
   *
   * @param buffer in Jetty's flush mode; bytes are appended after its limit
   * @return the number of bytes read, or -1 at the end of the stream
   */
  int read(ByteBuffer buffer) throws IOException {
    while (true) {
      int n = endPoint.fill(buffer);
      if (n != 0) {
        return n;
      }
      Done done = new Done();
      endPoint.fillInterested(done);
      done.await();
    }
  }

  private static final class Done implements Callback {
    private final CompletableFuture<Void> future = new CompletableFuture<>();

    @Override
    public void succeeded() {
      future.complete(null);
    }

    @Override
    public void failed(Throwable x) {
      future.completeExceptionally(x);
    }

    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
    }

    void await() throws IOException {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted");
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }
  }
}
