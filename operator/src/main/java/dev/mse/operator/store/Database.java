package dev.mse.operator.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The operator's database: a HikariCP pool over H2 (a file under the data directory, no setup) or
 * PostgreSQL (given a JDBC URL), migrated by Flyway at open. Both speak the one dialect of {@code
 * db/migration}: H2 runs in PostgreSQL mode with lower-case identifiers.
 *
 * <p>A commit is on disk when it returns. PostgreSQL does that by default (fsync at commit). H2
 * does not: its store writes commits in the background every half second ({@code WRITE_DELAY}) and
 * never forces them to the device except at close. So H2 runs with {@code WRITE_DELAY=0} (each
 * commit is written to the file before it returns: it survives the operator's death) and every
 * {@link #inTransaction transaction} ends with {@code CHECKPOINT} and {@code CHECKPOINT SYNC} (the
 * file is forced to the device: it survives the machine's), and the file is closed cleanly once
 * before the pool opens it ({@link #closeCleanly}), so that commits made after a crash recovery are
 * found again after the next crash (docs/operator.md, durability).
 */
public final class Database implements AutoCloseable {
  /**
   * H2's {@code async:} file system: the same file as {@code file:}, written through an {@code
   * AsynchronousFileChannel}, which an interrupt cannot close. Through {@code file:}'s {@code
   * FileChannel}, one thread interrupted while H2 wrote ({@code ClosedByInterruptException}) closed
   * the database for every request until a restart, and may leave a chunk half written.
   */
  private static final String H2_FILE_URL = "jdbc:h2:async:";

  private final HikariDataSource pool;
  private final boolean forceAfterCommit;

  private Database(HikariDataSource pool, boolean forceAfterCommit) {
    this.pool = pool;
    this.forceAfterCommit = forceAfterCommit;
  }

  /** The H2 URL of the default database file under {@code dataDir}. */
  public static String h2Url(Path dataDir) {
    return H2_FILE_URL
        + h2File(dataDir)
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
        // deployments queue on a project's quota row; H2's default of one second is too short
        + ";LOCK_TIMEOUT=10000"
        // a commit is written before it returns, not up to 500 ms later
        + ";WRITE_DELAY=0"
        // new versions are appended, never written over old ones: see closeCleanly
        + ";REUSE_SPACE=FALSE;AUTO_COMPACT_FILL_RATE=0";
  }

  /** As {@link #h2Url} but opening fails when the database file does not exist yet. */
  public static String existingH2Url(Path dataDir) {
    return h2Url(dataDir) + ";IFEXISTS=TRUE";
  }

  /** The file H2 keeps the database of {@code dataDir} in. */
  public static Path h2DatabaseFile(Path dataDir) {
    return h2File(dataDir).resolveSibling("operator.mv.db");
  }

  private static Path h2File(Path dataDir) {
    return dataDir.toAbsolutePath().resolve("operator");
  }

  /** Opens and migrates the database at {@code jdbcUrl} (H2 or PostgreSQL). */
  public static Database open(String jdbcUrl) {
    return open(jdbcUrl, () -> {});
  }

  /**
   * Opens and migrates the database at {@code jdbcUrl}; when it has no schema yet, {@code
   * beforeCreatingSchema} runs first and may refuse by throwing {@link EmptyDatabaseException}.
   */
  public static Database open(String jdbcUrl, SchemaCreationCheck beforeCreatingSchema) {
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      closeCleanly(jdbcUrl);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("operator-db");
    config.setMaximumPoolSize(8);
    config.setAutoCommit(true);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      Flyway flyway =
          Flyway.configure()
              .dataSource(pool)
              .locations("classpath:db/migration")
              .failOnMissingLocations(true)
              .load();
      if (flyway.info().current() == null) {
        beforeCreatingSchema.check();
      }
      flyway.migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(pool, jdbcUrl.startsWith("jdbc:h2:"));
  }

  /**
   * Opens the H2 database once and closes it cleanly, compacted, before the pool opens it for good.
   *
   * <p>Two kinds of lost commits taught this. After a kill, H2 recovers the last chunk it can reach
   * from its file header, but it rewrites that header only now and then: commits written after such
   * a recovery were chained from a header that still pointed before it, and the next kill lost all
   * of them (OperatorKillTest over H2 lost eight seconds of confirmed writes); a clean close writes
   * the header. And when H2 reuses the space of chunks it freed, a later recovery can find the
   * newest chunks' chain broken and fall back to an old one: a kill test run lost three minutes of
   * confirmed deployments that had survived seven restarts, the database back to the state of an
   * earlier recovery. So the store never writes over old chunks ({@code REUSE_SPACE=FALSE}, no
   * background compaction): a crash leaves every earlier version intact and the newest complete one
   * is found. The file then only grows while the operator runs; {@code SHUTDOWN COMPACT} here
   * rewrites it to its live data (into a new file that replaces the old one atomically, so a kill
   * during it loses nothing).
   */
  private static void closeCleanly(String jdbcUrl) {
    try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN COMPACT");
    } catch (SQLException e) {
      // The pool opens it again below and reports what is wrong with it.
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  /**
   * Runs {@code work} on one connection, committed and on disk when it returns, rolled back if it
   * throws. Every write the operator confirms to someone goes through here.
   */
  public <T, E extends Exception> T inTransaction(Work<T, E> work) throws E {
    try (Connection c = pool.getConnection()) {
      T result;
      c.setAutoCommit(false);
      try {
        result = work.run(c);
        c.commit();
      } catch (Exception | Error e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      if (forceAfterCommit) {
        // committed but not yet confirmed: a failure here is reported as the database's
        try (Statement s = c.createStatement()) {
          // CHECKPOINT writes a store version that holds this commit (H2's own commit may leave
          // that to a concurrent one); CHECKPOINT SYNC forces the file to the device.
          s.execute("CHECKPOINT");
          s.execute("CHECKPOINT SYNC");
        }
      }
      return result;
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /**
   * Runs {@code work} on one connection in auto-commit mode: for reads, and for writes nobody waits
   * on (written at once, not forced to the device on H2).
   */
  public <T> T read(Work<T, RuntimeException> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  /** Decides whether a schema may be created in an empty database. */
  @FunctionalInterface
  public interface SchemaCreationCheck {
    /** Returns to allow it; throws to refuse. */
    void check() throws EmptyDatabaseException;
  }

  /** Something done with a connection. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    T run(Connection connection) throws E, SQLException;
  }
}
