package dev.mse.operator.cluster;

import dev.mse.operator.store.Jdbc;
import dev.mse.operator.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's lease among operator instances on one PostgreSQL: a session advisory lock held on a
 * connection of its own, and an epoch.
 *
 * <p>The lock lives as long as its connection: PostgreSQL releases it when the holder's process
 * dies (its socket closes) or its session is ended, so another instance can take over within one
 * poll. Whoever takes the lock increments the epoch in {@code cluster_lease}; every leader-only
 * write then checks, in its own transaction, that the epoch is still the one it was elected with
 * ({@link #fence}). That check is what stops a leader that lost its lock without knowing (paused,
 * cut off) from acting: its epoch is no longer current. The check locks the lease row for share, so
 * a new leader's increment waits until such a write has committed, and no write of an old epoch
 * commits after a new one began.
 *
 * <p>The lock's key is the object id of the {@code cluster_lease} table: unique in the database, so
 * operators in different schemas of one database have leases of their own.
 */
public final class LeaderLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);
  private static final String KEY = "('cluster_lease'::regclass)::oid::bigint";

  /** The lease lost, or never held: a leader-only write refused. */
  public static final class LostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LostException(String message) {
      super(message);
    }
  }

  private final String jdbcUrl;
  private final String holder;
  private Connection lock;
  private volatile long epoch = -1;

  /**
   * @param jdbcUrl the operators' PostgreSQL
   * @param holder this instance, as {@code cluster_lease.holder} names it (logs, operators)
   */
  public LeaderLease(String jdbcUrl, String holder) {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("a lease needs PostgreSQL");
    }
    this.jdbcUrl = jdbcUrl;
    this.holder = holder;
  }

  /**
   * Takes the lease if nobody holds it: the new epoch, or empty.
   *
   * @throws SQLException when the database cannot be reached (the caller tries again later)
   */
  public synchronized OptionalLong tryAcquire() throws SQLException {
    if (epoch >= 0) {
      return OptionalLong.of(epoch);
    }
    if (lock == null || lock.isClosed()) {
      lock = DriverManager.getConnection(jdbcUrl);
      lock.setAutoCommit(true);
      // a dead peer (network cut) must not keep the lock for the kernel's two hours
      lock.setNetworkTimeout(Executors.newVirtualThreadPerTaskExecutor(), 5_000);
    }
    boolean locked;
    try (Statement s = lock.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ") AS locked")) {
      rs.next();
      locked = rs.getBoolean("locked");
    }
    if (!locked) {
      return OptionalLong.empty();
    }
    try (PreparedStatement s =
        lock.prepareStatement(
            "UPDATE cluster_lease SET epoch = epoch + 1, holder = ?, acquired_at = ? WHERE id = 1"
                + " RETURNING epoch")) {
      s.setString(1, holder);
      s.setObject(2, Instant.now().atOffset(java.time.ZoneOffset.UTC));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        epoch = rs.getLong(1);
      }
    } catch (SQLException e) {
      drop();
      throw e;
    }
    LOG.info("{} holds the leader's lease, epoch {}", holder, epoch);
    return OptionalLong.of(epoch);
  }

  /**
   * Whether this instance still holds the lease: its lock connection answers. When it does not, the
   * lease is given up at once (the connection closed; the database released the lock).
   */
  public synchronized boolean check() {
    if (epoch < 0) {
      return false;
    }
    // a session's advisory lock ends only with the session: a session that answers holds it
    try (Statement s = lock.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return true;
    } catch (SQLException e) {
      LOG.warn("{}: the leader's lock connection failed: {}", holder, e.getMessage());
    }
    drop();
    return false;
  }

  /** The epoch this instance holds, or -1. */
  public long epoch() {
    return epoch;
  }

  /**
   * Throws {@link LostException} unless {@code epoch} is still the lease's current epoch; locks the
   * lease row until {@code c}'s transaction ends. Call it first in a leader-only transaction.
   */
  public static void fence(Connection c, long epoch) {
    long current =
        Jdbc.one(
                c,
                "SELECT epoch FROM cluster_lease WHERE id = 1 FOR SHARE",
                rs -> rs.getLong("epoch"))
            .orElseThrow(() -> new StoreException(new SQLException("no cluster_lease row")));
    if (epoch < 0 || current != epoch) {
      throw new LostException(
          "not the leader (lease epoch " + current + ", this instance's " + epoch + ")");
    }
  }

  /** Gives the lease up (another instance may take it at once). */
  @Override
  public synchronized void close() {
    if (epoch >= 0) {
      LOG.info("{} gives up the leader's lease, epoch {}", holder, epoch);
    }
    drop();
  }

  private void drop() {
    epoch = -1;
    if (lock != null) {
      try {
        // closing the session releases its advisory locks
        lock.close();
      } catch (SQLException e) {
        // gone already
      }
      lock = null;
    }
  }
}
