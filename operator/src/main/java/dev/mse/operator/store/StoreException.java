package dev.mse.operator.store;

import java.sql.SQLException;

/** The database failed (unreachable, constraint we did not expect): an operator problem. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(SQLException cause) {
    super("database error: " + cause.getMessage(), cause);
  }

  /** True when the cause is a unique or primary key violation (SQLSTATE 23505 in both). */
  public boolean isUniqueViolation() {
    return getCause() instanceof SQLException e && "23505".equals(e.getSQLState());
  }
}
