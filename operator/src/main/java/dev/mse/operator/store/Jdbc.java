package dev.mse.operator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The little JDBC the stores need: bind arguments by type, map rows, convert times. Instants go in
 * and out as {@code TIMESTAMP WITH TIME ZONE} in UTC, which both H2 and PostgreSQL keep exactly to
 * the microsecond.
 */
public final class Jdbc {
  private Jdbc() {}

  /** Maps the current row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      try (ResultSet rs = s.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  public static <T> Optional<T> one(Connection c, String sql, RowMapper<T> mapper, Object... args) {
    List<T> rows = query(c, sql, mapper, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  /** Runs an INSERT, UPDATE or DELETE; returns the number of rows changed. */
  public static int update(Connection c, String sql, Object... args) {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      switch (a) {
        case null -> s.setObject(i + 1, null);
        case Instant t -> s.setObject(i + 1, t.atOffset(ZoneOffset.UTC));
        case Optional<?> o -> bind1(s, i + 1, o.orElse(null));
        default -> s.setObject(i + 1, a);
      }
    }
  }

  private static void bind1(PreparedStatement s, int index, Object a) throws SQLException {
    if (a instanceof Instant t) {
      s.setObject(index, t.atOffset(ZoneOffset.UTC));
    } else {
      s.setObject(index, a);
    }
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    if (t == null) {
      throw new SQLException("column " + column + " is null");
    }
    return t.toInstant();
  }

  public static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class))
        .map(OffsetDateTime::toInstant);
  }

  public static UUID uuid(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, UUID.class);
  }

  public static Optional<String> optionalString(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column));
  }
}
