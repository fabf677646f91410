package dev.mse.operator.store;

import java.sql.Connection;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Rows of {@code oauth_codes}: authorization codes, stored as the SHA-256 hex of the code. */
public final class OAuthCodeTable {
  private OAuthCodeTable() {}

  /** A code waiting for its exchange. */
  public record Code(
      UUID accountId, String codeChallenge, String redirectUri, Instant expiresAt, boolean used) {}

  public static void insert(Connection c, String codeSha256, Code code) {
    Jdbc.update(
        c,
        "INSERT INTO oauth_codes (code_sha256, account_id, code_challenge, redirect_uri,"
            + " expires_at, used) VALUES (?, ?, ?, ?, ?, ?)",
        codeSha256,
        code.accountId(),
        code.codeChallenge(),
        code.redirectUri(),
        code.expiresAt(),
        code.used());
  }

  /**
   * Marks the code used and returns it as it was, in one statement pair under the caller's
   * transaction; {@code used} in the result says whether it had been used before.
   */
  public static Optional<Code> take(Connection c, String codeSha256) {
    Optional<Code> code =
        Jdbc.one(
            c,
            "SELECT account_id, code_challenge, redirect_uri, expires_at, used FROM oauth_codes"
                + " WHERE code_sha256 = ? FOR UPDATE",
            rs ->
                new Code(
                    Jdbc.uuid(rs, "account_id"),
                    rs.getString("code_challenge"),
                    rs.getString("redirect_uri"),
                    Jdbc.instant(rs, "expires_at"),
                    rs.getBoolean("used")),
            codeSha256);
    code.ifPresent(
        x ->
            Jdbc.update(c, "UPDATE oauth_codes SET used = TRUE WHERE code_sha256 = ?", codeSha256));
    return code;
  }

  /** Removes codes that expired before {@code before}. */
  public static int purge(Connection c, Instant before) {
    return Jdbc.update(c, "DELETE FROM oauth_codes WHERE expires_at < ?", before);
  }
}
