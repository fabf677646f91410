package dev.mse.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.store.Database;
import dev.mse.operator.store.Jdbc;
import dev.mse.operator.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader's lease on the real PostgreSQL: one holder at a time, the epoch grows with every
 * takeover, a holder whose session ends frees it at once, and a leader that lost it without
 * noticing (paused) cannot write.
 */
class LeaderLeaseTest {
  private TestDatabase pg;
  private Database db;

  @BeforeEach
  void open() throws Exception {
    pg = TestDatabase.postgres();
    db = Database.open(pg.url());
    db.read(c -> Jdbc.update(c, "CREATE TABLE leader_writes (epoch BIGINT NOT NULL)"));
  }

  @AfterEach
  void close() throws Exception {
    db.close();
    pg.close();
  }

  @Test
  void oneHolderAtATimeAndEveryTakeoverAGreaterEpoch() throws Exception {
    try (LeaderLease a = new LeaderLease(pg.url(), "a");
        LeaderLease b = new LeaderLease(pg.url(), "b")) {
      OptionalLong first = a.tryAcquire();
      assertThat(first).isPresent();
      assertThat(b.tryAcquire()).isEmpty();
      assertThat(a.check()).isTrue();

      a.close();
      OptionalLong second = b.tryAcquire();
      assertThat(second).isPresent();
      assertThat(second.getAsLong()).isGreaterThan(first.getAsLong());
      assertThat(a.tryAcquire()).isEmpty();
      assertThat(holder()).isEqualTo("b");
    }
  }

  @Test
  void aHolderWhoseSessionEndsFreesTheLeaseAndKnowsIt() throws Exception {
    try (LeaderLease a = new LeaderLease(pg.url(), "a");
        LeaderLease b = new LeaderLease(pg.url(), "b")) {
      assertThat(a.tryAcquire()).isPresent();
      terminateLockHolders();

      assertThat(b.tryAcquire()).isPresent();
      assertThat(a.check()).isFalse();
      assertThat(a.epoch()).isEqualTo(-1);
    }
  }

  @Test
  void aPausedExLeadersWriteIsRejected() throws Exception {
    try (LeaderLease a = new LeaderLease(pg.url(), "a");
        LeaderLease b = new LeaderLease(pg.url(), "b")) {
      long old = a.tryAcquire().orElseThrow();
      // a is "paused": it never checks its lease while its session is ended and b takes over
      terminateLockHolders();
      long current = b.tryAcquire().orElseThrow();

      assertThatThrownBy(() -> db.inTransaction(c -> write(c, old)))
          .isInstanceOf(LeaderLease.LostException.class)
          .hasMessageContaining("not the leader");
      db.inTransaction(c -> write(c, current));
      assertThat(writes()).containsExactly(current);
    }
  }

  @Test
  void aTakeoverWaitsForTheOldLeadersWriteUnderWay() throws Exception {
    try (LeaderLease a = new LeaderLease(pg.url(), "a");
        LeaderLease b = new LeaderLease(pg.url(), "b")) {
      long old = a.tryAcquire().orElseThrow();
      try (Connection c = DriverManager.getConnection(pg.url())) {
        c.setAutoCommit(false);
        LeaderLease.fence(c, old); // a's write began while it led
        terminateLockHolders();
        CompletableFuture<OptionalLong> takeover =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return b.tryAcquire();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        awaitBlockedOnTheLeaseRow();
        assertThat(takeover).isNotDone();
        Jdbc.update(c, "INSERT INTO leader_writes (epoch) VALUES (?)", old);
        c.commit();
        long current = takeover.get().orElseThrow();
        assertThat(current).isGreaterThan(old);
      }
      // after the takeover, the old epoch writes nothing more
      assertThatThrownBy(() -> db.inTransaction(c -> write(c, old)))
          .isInstanceOf(LeaderLease.LostException.class);
      assertThat(writes()).containsExactly(old);
    }
  }

  private static Void write(Connection c, long epoch) {
    LeaderLease.fence(c, epoch);
    Jdbc.update(c, "INSERT INTO leader_writes (epoch) VALUES (?)", epoch);
    return null;
  }

  private List<Long> writes() {
    return db.read(c -> Jdbc.query(c, "SELECT epoch FROM leader_writes", rs -> rs.getLong(1)));
  }

  private String holder() {
    return db.read(
        c ->
            Jdbc.one(c, "SELECT holder FROM cluster_lease WHERE id = 1", rs -> rs.getString(1))
                .orElseThrow());
  }

  /**
   * Ends the sessions holding this schema's lease lock (a cut connection, as the server sees it).
   */
  private void terminateLockHolders() throws Exception {
    try (Connection c = DriverManager.getConnection(pg.url());
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND"
              + " objid = 'cluster_lease'::regclass::oid");
    }
  }

  /** Until a session of this database waits for a row lock held by another. */
  private void awaitBlockedOnTheLeaseRow() throws Exception {
    for (int i = 0; i < 600; i++) {
      boolean waiting =
          db.read(
                  c ->
                      Jdbc.one(
                              c,
                              "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                  + " AND query LIKE 'UPDATE cluster_lease%'"
                                  // this test's sessions only (another JVM may test a lease too)
                                  + " AND application_name = ?",
                              rs -> rs.getLong(1),
                              pg.schema())
                          .orElse(0L))
              > 0;
      if (waiting) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the takeover never waited for the lease row");
  }
}
