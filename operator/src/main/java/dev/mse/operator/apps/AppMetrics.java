package dev.mse.operator.apps;

/**
 * An app's counters: the node's (requests, latency, CPU) and the proxy's (connections, bytes).
 *
 * @param requests requests the runtime served
 * @param averageLatencyMs mean response time in the runtime
 * @param activeConnections connections open now (the larger of the runtime's and the proxy's count)
 * @param connections connections the proxy relayed since the operator started
 * @param bytesIn bytes from users to the app through the proxy
 * @param bytesOut bytes from the app to users through the proxy
 * @param cpuSeconds CPU time of the node's process
 * @param heapMaxBytes the maximum heap the app shares with the runtime (0: not reported)
 * @param directMaxBytes the maximum direct memory of the app's JVM (0: not reported)
 */
public record AppMetrics(
    long requests,
    double averageLatencyMs,
    long activeConnections,
    long connections,
    long bytesIn,
    long bytesOut,
    double cpuSeconds,
    long heapMaxBytes,
    long directMaxBytes) {}
