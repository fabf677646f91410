package dev.mse.operator.proxy;

import java.time.Duration;

/**
 * What one client, one app and everyone together may hold at the SNI proxy ({@code [proxy]} in
 * {@code operator.toml}).
 *
 * @param maxConnections connections open at once; the next one gets a fatal alert and is closed
 * @param maxConnectionsPerApp connections open at once to one app, so one busy app cannot take
 *     every slot from the others
 * @param maxConnectionsPerSource connections open at once from one source address (an IPv6 client
 *     counts by its /64, which one host usually holds whole), so one client cannot take every slot
 *     of an app; the next one is refused as it is accepted, before the proxy reads a byte
 * @param helloTimeout time a client has to send its whole ClientHello; a connection that sends
 *     nothing or trickles its hello is closed when it ends
 * @param evidenceLifetime for {@code --untrusted-ssl} apps, how long the proxy reuses an enclave's
 *     fresh evidence that the certificate its app port serves holds the enclave's key, before it
 *     asks the enclave again (at least a second)
 */
public record ProxyLimits(
    int maxConnections,
    int maxConnectionsPerApp,
    int maxConnectionsPerSource,
    Duration helloTimeout,
    Duration evidenceLifetime) {

  /** How long an enclave's evidence is reused by default. */
  public static final Duration DEFAULT_EVIDENCE_LIFETIME = Duration.ofSeconds(60);

  /**
   * 10,000 connections, 2,000 per app, 256 per source (room for a network behind one NAT address),
   * 5 seconds for a ClientHello, evidence reused for a minute.
   */
  public static final ProxyLimits DEFAULT =
      new ProxyLimits(10_000, 2_000, 256, Duration.ofSeconds(5));

  public ProxyLimits {
    positive(maxConnections, "maxConnections");
    positive(maxConnectionsPerApp, "maxConnectionsPerApp");
    positive(maxConnectionsPerSource, "maxConnectionsPerSource");
    if (helloTimeout == null || helloTimeout.isNegative() || helloTimeout.isZero()) {
      throw new IllegalArgumentException("helloTimeout must be positive: " + helloTimeout);
    }
    if (evidenceLifetime == null || evidenceLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "evidenceLifetime must be at least a second: " + evidenceLifetime);
    }
  }

  /** Limits with the default evidence lifetime. */
  public ProxyLimits(
      int maxConnections,
      int maxConnectionsPerApp,
      int maxConnectionsPerSource,
      Duration helloTimeout) {
    this(
        maxConnections,
        maxConnectionsPerApp,
        maxConnectionsPerSource,
        helloTimeout,
        DEFAULT_EVIDENCE_LIFETIME);
  }

  public ProxyLimits withMaxConnections(int total, int perApp) {
    return new ProxyLimits(total, perApp, maxConnectionsPerSource, helloTimeout, evidenceLifetime);
  }

  public ProxyLimits withMaxConnectionsPerSource(int perSource) {
    return new ProxyLimits(
        maxConnections, maxConnectionsPerApp, perSource, helloTimeout, evidenceLifetime);
  }

  public ProxyLimits withHelloTimeout(Duration timeout) {
    return new ProxyLimits(
        maxConnections, maxConnectionsPerApp, maxConnectionsPerSource, timeout, evidenceLifetime);
  }

  public ProxyLimits withEvidenceLifetime(Duration lifetime) {
    return new ProxyLimits(
        maxConnections, maxConnectionsPerApp, maxConnectionsPerSource, helloTimeout, lifetime);
  }

  private static void positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
