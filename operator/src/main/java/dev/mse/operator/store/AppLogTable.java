package dev.mse.operator.store;

import java.sql.Connection;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Rows of {@code app_logs}: the last output of stopped apps, kept for a few days. */
public final class AppLogTable {
  private AppLogTable() {}

  /** A saved log tail. */
  public record SavedLog(String text, Instant savedAt) {}

  public static void save(Connection c, UUID appId, String text, Instant now) {
    if (Jdbc.update(
            c, "UPDATE app_logs SET log_text = ?, saved_at = ? WHERE app_id = ?", text, now, appId)
        == 0) {
      Jdbc.update(
          c,
          "INSERT INTO app_logs (app_id, log_text, saved_at) VALUES (?, ?, ?)",
          appId,
          text,
          now);
    }
  }

  public static Optional<SavedLog> byApp(Connection c, UUID appId) {
    return Jdbc.one(
        c,
        "SELECT log_text, saved_at FROM app_logs WHERE app_id = ?",
        rs -> new SavedLog(rs.getString("log_text"), Jdbc.instant(rs, "saved_at")),
        appId);
  }

  /** Deletes logs saved before {@code before}; returns how many. */
  public static int purge(Connection c, Instant before) {
    return Jdbc.update(c, "DELETE FROM app_logs WHERE saved_at < ?", before);
  }
}
