package dev.mse.operator.node;

/**
 * What a node reports about itself: the runtime's request counters (what its status says; the app
 * serves its own TLS, so they may be zero), the process's CPU time, and the memory the app gets.
 *
 * @param requests requests served since the node started
 * @param averageLatencyMillis mean time from request to response, in milliseconds
 * @param activeConnections connections open now
 * @param cpuSeconds CPU time the node's process has used
 * @param heapMaxBytes the JVM's maximum heap, shared by the runtime and the app (0: not reported)
 * @param directMaxBytes the JVM's maximum direct memory (0: not reported)
 */
public record NodeMetrics(
    long requests,
    double averageLatencyMillis,
    long activeConnections,
    double cpuSeconds,
    long heapMaxBytes,
    long directMaxBytes) {
  public static final NodeMetrics NONE = new NodeMetrics(0, 0, 0, 0);

  /** Counters without a memory report. */
  public NodeMetrics(
      long requests, double averageLatencyMillis, long activeConnections, double cpuSeconds) {
    this(requests, averageLatencyMillis, activeConnections, cpuSeconds, 0, 0);
  }
}
