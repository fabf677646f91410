package dev.mse.operator.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The operator's database: a HikariCP pool over H2 (a file under the data directory, no setup) or
 * PostgreSQL (given a JDBC URL), migrated by Flyway at open. Both speak the one dialect of {@code
 * db/migration}: H2 runs in PostgreSQL mode with lower-case identifiers.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource pool;

  private Database(HikariDataSource pool) {
    this.pool = pool;
  }

  /** The H2 URL of the default database file under {@code dataDir}. */
  public static String h2Url(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("operator")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
        // deployments queue on a project's quota row; H2's default of one second is too short
        + ";LOCK_TIMEOUT=10000";
  }

  /** Opens and migrates the database at {@code jdbcUrl} (H2 or PostgreSQL). */
  public static Database open(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("operator-db");
    config.setMaximumPoolSize(8);
    config.setAutoCommit(true);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(pool);
  }

  public DataSource dataSource() {
    return pool;
  }

  /** Runs {@code work} on one connection, committed when it returns, rolled back if it throws. */
  public <T, E extends Exception> T inTransaction(Work<T, E> work) throws E {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (Exception | Error e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** Runs {@code work} on one connection in auto-commit mode. */
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

  /** Something done with a connection. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    T run(Connection connection) throws E, SQLException;
  }
}
