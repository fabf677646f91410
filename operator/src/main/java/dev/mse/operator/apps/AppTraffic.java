package dev.mse.operator.apps;

import dev.mse.operator.proxy.ProxyMetrics;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's counters per app, in memory (they restart at zero with the operator). Cheap on the
 * relay threads: one map lookup and a few adders.
 */
public final class AppTraffic implements ProxyMetrics {
  private final Map<UUID, Counters> counters = new ConcurrentHashMap<>();

  /** A snapshot of one app's counters. */
  public record Snapshot(long connections, long activeConnections, long bytesIn, long bytesOut) {
    static final Snapshot NONE = new Snapshot(0, 0, 0, 0);
  }

  private static final class Counters {
    final LongAdder opened = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
  }

  @Override
  public void connectionOpened(UUID appId) {
    counters.computeIfAbsent(appId, id -> new Counters()).opened.increment();
  }

  @Override
  public void connectionClosed(UUID appId, long bytesIn, long bytesOut) {
    Counters c = counters.computeIfAbsent(appId, id -> new Counters());
    c.closed.increment();
    c.bytesIn.add(bytesIn);
    c.bytesOut.add(bytesOut);
  }

  public Snapshot snapshot(UUID appId) {
    Counters c = counters.get(appId);
    if (c == null) {
      return Snapshot.NONE;
    }
    long opened = c.opened.sum();
    long closed = c.closed.sum();
    return new Snapshot(opened, Math.max(0, opened - closed), c.bytesIn.sum(), c.bytesOut.sum());
  }
}
