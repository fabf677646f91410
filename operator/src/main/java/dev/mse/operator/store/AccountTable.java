package dev.mse.operator.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** Rows of {@code accounts}. */
public final class AccountTable {
  private AccountTable() {}

  /** An account with its stored password hash (a PHC string, never the password). */
  public record WithHash(Account account, String passwordHash) {}

  public static void insert(Connection c, Account a, String passwordHash) {
    Jdbc.update(
        c,
        "INSERT INTO accounts (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
        a.id(),
        a.email(),
        passwordHash,
        a.createdAt());
  }

  public static void setPasswordHash(Connection c, UUID id, String passwordHash) {
    Jdbc.update(c, "UPDATE accounts SET password_hash = ? WHERE id = ?", passwordHash, id);
  }

  /** Locks the account's row until the transaction ends (to serialize its limits' checks). */
  public static void lock(Connection c, UUID id) {
    Jdbc.one(c, "SELECT id FROM accounts WHERE id = ? FOR UPDATE", rs -> Jdbc.uuid(rs, "id"), id);
  }

  public static Optional<Account> byId(Connection c, UUID id) {
    return Jdbc.one(
        c, "SELECT id, email, created_at FROM accounts WHERE id = ?", AccountTable::account, id);
  }

  public static Optional<WithHash> byEmail(Connection c, String email) {
    return Jdbc.one(
        c,
        "SELECT id, email, created_at, password_hash FROM accounts WHERE email = ?",
        rs -> new WithHash(account(rs), rs.getString("password_hash")),
        email);
  }

  /** How many accounts there are. */
  public static long count(Connection c) {
    return Jdbc.one(c, "SELECT COUNT(*) AS n FROM accounts", rs -> rs.getLong("n")).orElse(0L);
  }

  static Account account(ResultSet rs) throws SQLException {
    return new Account(Jdbc.uuid(rs, "id"), rs.getString("email"), Jdbc.instant(rs, "created_at"));
  }
}
