package dev.mse.operator.apps;

import dev.mse.operator.proxy.ProxyMetrics;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.TrafficTable;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's counters per app. Cheap on the relay threads: one map lookup and a few adders. With a
 * database, what was counted is added to it periodically ({@link #flush}), so the totals outlive
 * the process and are those of every instance's proxy; open connections are this proxy's own.
 */
public final class AppTraffic implements ProxyMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(AppTraffic.class);

  private final Map<UUID, Counters> counters = new ConcurrentHashMap<>();
  private final Optional<Database> db;

  /** Counters in memory only (they restart at zero with the operator). */
  public AppTraffic() {
    this.db = Optional.empty();
  }

  /** Counters kept in {@code db} as well. */
  public AppTraffic(Database db) {
    this.db = Optional.of(db);
  }

  /** A snapshot of one app's counters. */
  public record Snapshot(long connections, long activeConnections, long bytesIn, long bytesOut) {
    static final Snapshot NONE = new Snapshot(0, 0, 0, 0);
  }

  private static final class Counters {
    final LongAdder opened = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    // what was added to the database so far; touched by flush only (synchronized)
    long flushedOpened;
    long flushedIn;
    long flushedOut;
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
    TrafficTable.Totals saved =
        db.flatMap(d -> d.read(c -> TrafficTable.of(c, appId))).orElse(TrafficTable.Totals.NONE);
    Counters c = counters.get(appId);
    if (c == null) {
      return new Snapshot(saved.connections(), 0, saved.bytesIn(), saved.bytesOut());
    }
    long opened = c.opened.sum();
    long closed = c.closed.sum();
    long in = c.bytesIn.sum();
    long out = c.bytesOut.sum();
    synchronized (this) {
      // what is in memory but not yet in the database
      opened = opened - c.flushedOpened;
      in = in - c.flushedIn;
      out = out - c.flushedOut;
    }
    return new Snapshot(
        saved.connections() + opened,
        Math.max(0, c.opened.sum() - closed),
        saved.bytesIn() + in,
        saved.bytesOut() + out);
  }

  /**
   * Adds what was counted since the last flush to the database, one transaction for all apps; on
   * failure nothing is marked flushed and the next flush adds it. Run periodically and at close.
   */
  public synchronized void flush() {
    if (db.isEmpty()) {
      return;
    }
    Map<UUID, long[]> deltas = new java.util.HashMap<>();
    counters.forEach(
        (id, c) -> {
          long[] now = {c.opened.sum(), c.bytesIn.sum(), c.bytesOut.sum()};
          if (now[0] != c.flushedOpened || now[1] != c.flushedIn || now[2] != c.flushedOut) {
            deltas.put(id, now);
          }
        });
    if (deltas.isEmpty()) {
      return;
    }
    try {
      db.get()
          .inTransaction(
              conn -> {
                for (var e : deltas.entrySet()) {
                  Counters c = counters.get(e.getKey());
                  long[] now = e.getValue();
                  TrafficTable.add(
                      conn,
                      e.getKey(),
                      new TrafficTable.Totals(
                          now[0] - c.flushedOpened, now[1] - c.flushedIn, now[2] - c.flushedOut));
                }
                return null;
              });
    } catch (RuntimeException e) {
      LOG.warn("cannot save the proxy's counters: {}", e.getMessage());
      return;
    }
    deltas.forEach(
        (id, now) -> {
          Counters c = counters.get(id);
          c.flushedOpened = now[0];
          c.flushedIn = now[1];
          c.flushedOut = now[2];
        });
  }
}
