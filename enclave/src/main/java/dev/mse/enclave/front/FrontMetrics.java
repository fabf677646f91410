package dev.mse.enclave.front;

import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;

/**
 * What the front counts for the operator: requests the app answered, their mean latency as the
 * front sees it (from the request's head, received, to the app's response handed back to TLS), and
 * client connections open now. Counters only (no per-request records), so counting costs a few
 * uncontended adds.
 */
public final class FrontMetrics implements Connection.Listener {
  private final LongAdder requests = new LongAdder();
  private final LongAdder latencyNanos = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final LongAdder directTls = new LongAdder();

  /** A snapshot of the counters. */
  public record Snapshot(long requests, double averageLatencyMs, long activeConnections) {}

  /**
   * Records one request the app answered, started at {@code startNanos} ({@link System#nanoTime}).
   */
  public void answered(long startNanos) {
    requests.increment();
    latencyNanos.add(System.nanoTime() - startNanos);
  }

  /** A relayed connection's TLS is read and written by the relay itself from now on. */
  void tookOverTls() {
    directTls.increment();
  }

  /** How many relayed connections had their TLS taken over from Jetty ({@link DirectTls}). */
  public long directTlsConnections() {
    return directTls.sum();
  }

  public Snapshot snapshot() {
    long n = requests.sum();
    double average = n == 0 ? 0 : latencyNanos.sum() / 1e6 / n;
    return new Snapshot(n, average, connections.sum());
  }

  // Each client connection has exactly one TLS connection under whatever protocol it speaks.
  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof SslConnection) {
      connections.increment();
    }
  }

  @Override
  public void onClosed(Connection connection) {
    if (connection instanceof SslConnection) {
      connections.decrement();
    }
  }
}
