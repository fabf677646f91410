package dev.mse.operator.store;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Rows of {@code app_events}: an app's status history, one row per change, written by {@link
 * AppTable} in the statement's transaction, so the history and the status never disagree.
 */
public final class AppEventTable {
  /** The longest detail kept (a failure's reason is cut to it). */
  static final int MAX_DETAIL = 4000;

  private AppEventTable() {}

  /**
   * One change.
   *
   * @param status the status the app entered, or {@code restarting} (its node restarts while the
   *     app keeps its status)
   */
  public record Event(Instant at, String status, String detail) {}

  static void record(Connection c, UUID appId, Instant at, String status, String detail) {
    Jdbc.update(
        c,
        "INSERT INTO app_events (app_id, at, status, detail) VALUES (?, ?, ?, ?)",
        appId,
        at,
        status,
        detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail);
  }

  /**
   * Records that a live app's node restarts (after its runtime died); nothing for an app still
   * spawning (its first start) or no longer live.
   */
  public static boolean recordRestart(Connection c, UUID appId, Instant at, String detail) {
    return Jdbc.update(
            c,
            "INSERT INTO app_events (app_id, at, status, detail) SELECT id, ?, 'restarting', ?"
                + " FROM apps WHERE id = ? AND status IN ('initializing', 'running')",
            at,
            detail,
            appId)
        == 1;
  }

  /** The newest {@code limit} events of an app, oldest first. */
  public static List<Event> of(Connection c, UUID appId, int limit) {
    List<Event> newest =
        Jdbc.query(
            c,
            "SELECT at, status, detail FROM app_events WHERE app_id = ? ORDER BY id DESC LIMIT ?",
            rs -> new Event(Jdbc.instant(rs, "at"), rs.getString("status"), rs.getString("detail")),
            appId,
            limit);
    return newest.reversed();
  }
}
