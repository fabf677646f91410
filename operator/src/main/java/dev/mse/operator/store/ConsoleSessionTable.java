package dev.mse.operator.store;

import java.sql.Connection;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Rows of {@code console_sessions}: web console sign-ins, keyed by the SHA-256 hex of the cookie.
 */
public final class ConsoleSessionTable {
  private ConsoleSessionTable() {}

  /** A session as stored, with the email of its account as it is now. */
  public record Row(
      UUID accountId, String email, String csrf, Instant createdAt, Instant lastSeen) {}

  public static void insert(
      Connection c, String cookieSha256, UUID accountId, String csrf, Instant now) {
    Jdbc.update(
        c,
        "INSERT INTO console_sessions (cookie_sha256, account_id, csrf, created_at, last_seen)"
            + " VALUES (?, ?, ?, ?, ?)",
        cookieSha256,
        accountId,
        csrf,
        now,
        now);
  }

  public static Optional<Row> byHash(Connection c, String cookieSha256) {
    return Jdbc.one(
        c,
        "SELECT s.account_id, a.email, s.csrf, s.created_at, s.last_seen FROM console_sessions s"
            + " JOIN accounts a ON a.id = s.account_id WHERE s.cookie_sha256 = ?",
        rs ->
            new Row(
                Jdbc.uuid(rs, "account_id"),
                rs.getString("email"),
                rs.getString("csrf"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "last_seen")),
        cookieSha256);
  }

  public static void touch(Connection c, String cookieSha256, Instant now) {
    Jdbc.update(
        c, "UPDATE console_sessions SET last_seen = ? WHERE cookie_sha256 = ?", now, cookieSha256);
  }

  public static void delete(Connection c, String cookieSha256) {
    Jdbc.update(c, "DELETE FROM console_sessions WHERE cookie_sha256 = ?", cookieSha256);
  }

  public static int deleteOfAccount(Connection c, UUID accountId) {
    return Jdbc.update(c, "DELETE FROM console_sessions WHERE account_id = ?", accountId);
  }

  /**
   * Removes the sessions idle since before {@code idleBefore} or created before {@code bornBefore}.
   */
  public static int purge(Connection c, Instant idleBefore, Instant bornBefore) {
    return Jdbc.update(
        c,
        "DELETE FROM console_sessions WHERE last_seen < ? OR created_at < ?",
        idleBefore,
        bornBefore);
  }

  public static int count(Connection c) {
    return Jdbc.one(c, "SELECT COUNT(*) AS n FROM console_sessions", rs -> rs.getInt("n"))
        .orElse(0);
  }
}
