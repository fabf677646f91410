package dev.mse.operator.store;

import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;

/**
 * Rows of {@code proxy_traffic}: the proxy counters of each app, every instance's added in, so that
 * they outlive the process that counted them.
 */
public final class TrafficTable {
  private TrafficTable() {}

  /** Totals of one app. */
  public record Totals(long connections, long bytesIn, long bytesOut) {
    public static final Totals NONE = new Totals(0, 0, 0);
  }

  /** Adds counts to an app's totals (run it in a transaction); an app that is gone is skipped. */
  public static void add(Connection c, UUID appId, Totals delta) {
    if (Jdbc.update(
            c,
            "UPDATE proxy_traffic SET connections = connections + ?, bytes_in = bytes_in + ?,"
                + " bytes_out = bytes_out + ? WHERE app_id = ?",
            delta.connections(),
            delta.bytesIn(),
            delta.bytesOut(),
            appId)
        == 0) {
      Jdbc.update(
          c,
          "INSERT INTO proxy_traffic (app_id, connections, bytes_in, bytes_out)"
              + " SELECT id, ?, ?, ? FROM apps WHERE id = ?",
          delta.connections(),
          delta.bytesIn(),
          delta.bytesOut(),
          appId);
    }
  }

  public static Optional<Totals> of(Connection c, UUID appId) {
    return Jdbc.one(
        c,
        "SELECT connections, bytes_in, bytes_out FROM proxy_traffic WHERE app_id = ?",
        rs ->
            new Totals(rs.getLong("connections"), rs.getLong("bytes_in"), rs.getLong("bytes_out")),
        appId);
  }
}
