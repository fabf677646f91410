package dev.mse.operator.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Rows of {@code api_tokens}; tokens are looked up by the SHA-256 hex of the token. */
public final class TokenTable {
  private static final String COLUMNS =
      "id, account_id, name, created_at, last_used_at, expires_at";

  private TokenTable() {}

  public static void insert(Connection c, ApiToken t, String tokenSha256) {
    Jdbc.update(
        c,
        "INSERT INTO api_tokens (id, account_id, name, token_sha256, created_at, last_used_at,"
            + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        t.id(),
        t.accountId(),
        t.name(),
        tokenSha256,
        t.createdAt(),
        t.lastUsedAt(),
        t.expiresAt());
  }

  public static Optional<ApiToken> byHash(Connection c, String tokenSha256) {
    return Jdbc.one(
        c,
        "SELECT " + COLUMNS + " FROM api_tokens WHERE token_sha256 = ?",
        TokenTable::token,
        tokenSha256);
  }

  /** The token with its account, in one round trip (every API request asks this). */
  public static Optional<Owned> byHashWithAccount(Connection c, String tokenSha256) {
    return Jdbc.one(
        c,
        "SELECT t.id, t.account_id, t.name, t.created_at, t.last_used_at, t.expires_at,"
            + " a.email, a.created_at AS account_created_at FROM api_tokens t JOIN accounts a ON"
            + " a.id = t.account_id WHERE t.token_sha256 = ?",
        rs ->
            new Owned(
                token(rs),
                new Account(
                    Jdbc.uuid(rs, "account_id"),
                    rs.getString("email"),
                    Jdbc.instant(rs, "account_created_at"))),
        tokenSha256);
  }

  /** A token and the account it belongs to. */
  public record Owned(ApiToken token, Account account) {}

  public static List<ApiToken> ofAccount(Connection c, UUID accountId) {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + " FROM api_tokens WHERE account_id = ? ORDER BY created_at, id",
        TokenTable::token,
        accountId);
  }

  public static boolean delete(Connection c, UUID accountId, UUID id) {
    return Jdbc.update(c, "DELETE FROM api_tokens WHERE id = ? AND account_id = ?", id, accountId)
        == 1;
  }

  public static void touch(Connection c, UUID id, Instant now) {
    Jdbc.update(c, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id);
  }

  private static ApiToken token(ResultSet rs) throws SQLException {
    return new ApiToken(
        Jdbc.uuid(rs, "id"),
        Jdbc.uuid(rs, "account_id"),
        rs.getString("name"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "last_used_at"),
        Jdbc.optionalInstant(rs, "expires_at"));
  }
}
