package dev.mse.operator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Rows of {@code metric_samples}: each live app's counters at one moment, for the console's charts,
 * written by the instance that runs the nodes and read by every instance.
 */
public final class MetricSampleTable {
  private MetricSampleTable() {}

  /** The counters of an app at one moment (what the charts are drawn from). */
  public record Sample(
      Instant at,
      long requests,
      double averageLatencyMs,
      long activeConnections,
      long bytesIn,
      long bytesOut,
      double cpuSeconds) {}

  /**
   * Records one sample per app in one batch (run it in a transaction); an app that is gone, or
   * already has a sample at that moment, is skipped.
   */
  public static void record(Connection c, Map<UUID, Sample> samples) {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO metric_samples (app_id, at, requests, average_latency_ms,"
                + " active_connections, bytes_in, bytes_out, cpu_seconds)"
                + " SELECT id, ?, ?, ?, ?, ?, ?, ? FROM apps a WHERE id = ? AND NOT EXISTS"
                + " (SELECT 1 FROM metric_samples s WHERE s.app_id = a.id AND s.at = ?)")) {
      for (Map.Entry<UUID, Sample> e : samples.entrySet()) {
        Sample m = e.getValue();
        s.setObject(1, m.at().atOffset(ZoneOffset.UTC));
        s.setLong(2, m.requests());
        s.setDouble(3, m.averageLatencyMs());
        s.setLong(4, m.activeConnections());
        s.setLong(5, m.bytesIn());
        s.setLong(6, m.bytesOut());
        s.setDouble(7, m.cpuSeconds());
        s.setObject(8, e.getKey());
        s.setObject(9, m.at().atOffset(ZoneOffset.UTC));
        s.addBatch();
      }
      s.executeBatch();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** The newest {@code limit} samples of an app taken at or after {@code since}, oldest first. */
  public static List<Sample> of(Connection c, UUID appId, Instant since, int limit) {
    List<Sample> newest =
        Jdbc.query(
            c,
            "SELECT at, requests, average_latency_ms, active_connections, bytes_in, bytes_out,"
                + " cpu_seconds FROM metric_samples WHERE app_id = ? AND at >= ?"
                + " ORDER BY at DESC LIMIT ?",
            rs ->
                new Sample(
                    Jdbc.instant(rs, "at"),
                    rs.getLong("requests"),
                    rs.getDouble("average_latency_ms"),
                    rs.getLong("active_connections"),
                    rs.getLong("bytes_in"),
                    rs.getLong("bytes_out"),
                    rs.getDouble("cpu_seconds")),
            appId,
            since,
            limit);
    return newest.reversed();
  }

  /** Forgets the samples taken before {@code before}; returns how many. */
  public static int purge(Connection c, Instant before) {
    return Jdbc.update(c, "DELETE FROM metric_samples WHERE at < ?", before);
  }
}
