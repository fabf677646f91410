package dev.mse.operator.node;

/**
 * What a node reports about itself: the runtime's request counters (its TLS front sees every
 * request, whatever the trust scenario) and the process's CPU time.
 *
 * @param requests requests served since the node started
 * @param averageLatencyMillis mean time from request to response, in milliseconds
 * @param activeConnections connections open now
 * @param cpuSeconds CPU time the node's process has used
 */
public record NodeMetrics(
    long requests, double averageLatencyMillis, long activeConnections, double cpuSeconds) {
  public static final NodeMetrics NONE = new NodeMetrics(0, 0, 0, 0);
}
