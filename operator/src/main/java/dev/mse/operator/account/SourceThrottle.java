package dev.mse.operator.account;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per source address: {@code permits} attempts, refilled evenly over {@code period}.
 * IPv6 sources count per /64, the block one host usually owns, so that one machine cannot take a
 * fresh address per attempt. In memory and bounded: past {@link #MAX_TRACKED} sources the full
 * buckets, which say nothing, are dropped first.
 */
public final class SourceThrottle {
  private static final int MAX_TRACKED = 100_000;

  private final int permits;
  private final Duration period;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public SourceThrottle(int permits, Duration period, Clock clock) {
    if (permits < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a throttle needs permits and a period");
    }
    this.permits = permits;
    this.period = period;
    this.clock = clock;
  }

  /** Takes one attempt for this source; false when it has none left for now. */
  public boolean tryAcquire(String source) {
    Instant now = clock.instant();
    if (buckets.size() >= MAX_TRACKED) {
      buckets.values().removeIf(b -> b.isFull(now));
      if (buckets.size() >= MAX_TRACKED) {
        // an attacker with this many addresses is not stopped by a table: keep memory bounded
        buckets.clear();
      }
    }
    return buckets.computeIfAbsent(key(source), k -> new Bucket(now)).take(now);
  }

  /** The key for a source address: the address itself, or its /64 for IPv6. */
  static String key(String source) {
    if (source.indexOf(':') < 0) {
      return source;
    }
    try {
      byte[] a = InetAddress.ofLiteral(source).getAddress();
      if (a.length == 16) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i++) {
          prefix.append(String.format("%02x", a[i]));
        }
        return prefix + "::/64";
      }
      return source;
    } catch (IllegalArgumentException e) {
      return source;
    }
  }

  private final class Bucket {
    private double tokens = permits;
    private Instant last;

    Bucket(Instant now) {
      this.last = now;
    }

    synchronized boolean take(Instant now) {
      refill(now);
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }

    synchronized boolean isFull(Instant now) {
      refill(now);
      return tokens >= permits;
    }

    private void refill(Instant now) {
      if (now.isAfter(last)) {
        double elapsed = Duration.between(last, now).toNanos();
        tokens = Math.min(permits, tokens + permits * elapsed / period.toNanos());
        last = now;
      }
    }
  }
}
