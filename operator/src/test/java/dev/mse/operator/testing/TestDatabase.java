package dev.mse.operator.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh, empty database for one test: H2 in a temporary directory, or a new schema in the
 * PostgreSQL at 127.0.0.1:5432 (database {@code test}, user {@code postgres}, trust auth), dropped
 * at close. An unreachable PostgreSQL fails the test unless {@code MSE_SKIP_POSTGRES=1}.
 */
public final class TestDatabase implements AutoCloseable {
  public static final String PG_SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  /** Which engine. */
  public enum Kind {
    H2,
    POSTGRES
  }

  private final Kind kind;
  private final String url;
  private final String schema;

  private TestDatabase(Kind kind, String url, String schema) {
    this.kind = kind;
    this.url = url;
    this.schema = schema;
  }

  public static TestDatabase create(Kind kind, Path dir) throws Exception {
    return kind == Kind.H2 ? h2(dir) : postgres();
  }

  public static TestDatabase h2(Path dir) throws Exception {
    Files.createDirectories(dir);
    return new TestDatabase(
        Kind.H2, dev.mse.operator.store.Database.h2Url(dir.resolve("db")), null);
  }

  public static TestDatabase postgres() throws Exception {
    if ("1".equals(System.getenv("MSE_SKIP_POSTGRES"))) {
      try (Connection c = DriverManager.getConnection(PG_SERVER)) {
        c.isValid(1);
      } catch (SQLException e) {
        Assumptions.abort("PostgreSQL is not reachable and MSE_SKIP_POSTGRES=1");
      }
    }
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(PG_SERVER);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new AssertionError(
          "PostgreSQL at 127.0.0.1:5432 (database test, user postgres) is not reachable: "
              + e.getMessage()
              + ". Start it, or set MSE_SKIP_POSTGRES=1 to skip the PostgreSQL tests.",
          e);
    }
    // The schema also names the sessions (application_name): pg_stat_activity is database-wide,
    // and a test that looks there must see only its own sessions, not those of a test running in
    // another JVM at the same time.
    return new TestDatabase(
        Kind.POSTGRES,
        PG_SERVER + "&currentSchema=" + schema + "&ApplicationName=" + schema,
        schema);
  }

  public Kind kind() {
    return kind;
  }

  public String url() {
    return url;
  }

  /** The PostgreSQL schema (also every session's application_name); null for H2. */
  public String schema() {
    return schema;
  }

  @Override
  public void close() throws Exception {
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(PG_SERVER);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }
}
