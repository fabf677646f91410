package dev.mse.operator.store;

import dev.mse.operator.node.NodeMetrics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Rows of {@code node_metrics}: the counters of the leader's nodes as it last published them, for
 * the instances that do not run the nodes (several instances on one PostgreSQL).
 */
public final class NodeMetricsTable {
  private static final String COLUMNS =
      "app_id, requests, average_latency_ms, active_connections, cpu_seconds, heap_max_bytes,"
          + " direct_max_bytes";

  private NodeMetricsTable() {}

  /** Records an app's node counters (replacing what was recorded). */
  public static void put(Connection c, UUID appId, NodeMetrics m, Instant now) {
    if (Jdbc.update(
            c,
            "UPDATE node_metrics SET requests = ?, average_latency_ms = ?, active_connections = ?,"
                + " cpu_seconds = ?, heap_max_bytes = ?, direct_max_bytes = ?, sampled_at = ?"
                + " WHERE app_id = ?",
            m.requests(),
            m.averageLatencyMillis(),
            m.activeConnections(),
            m.cpuSeconds(),
            m.heapMaxBytes(),
            m.directMaxBytes(),
            now,
            appId)
        == 0) {
      Jdbc.update(
          c,
          "INSERT INTO node_metrics (" + COLUMNS + ", sampled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          appId,
          m.requests(),
          m.averageLatencyMillis(),
          m.activeConnections(),
          m.cpuSeconds(),
          m.heapMaxBytes(),
          m.directMaxBytes(),
          now);
    }
  }

  /** The published counters of one app's node. */
  public static Optional<NodeMetrics> byApp(Connection c, UUID appId) {
    return Jdbc.one(
        c,
        "SELECT " + COLUMNS + " FROM node_metrics WHERE app_id = ?",
        NodeMetricsTable::metrics,
        appId);
  }

  /** The published counters of every live app's node, by app id. */
  public static Map<UUID, NodeMetrics> live(Connection c) {
    Map<UUID, NodeMetrics> out = new HashMap<>();
    for (Map.Entry<UUID, NodeMetrics> e :
        Jdbc.query(
            c,
            "SELECT n.app_id, n.requests, n.average_latency_ms, n.active_connections,"
                + " n.cpu_seconds, n.heap_max_bytes, n.direct_max_bytes FROM node_metrics n"
                + " JOIN apps a ON a.id = n.app_id WHERE a.status IN"
                + " ('spawning', 'initializing', 'running')",
            rs -> Map.entry(Jdbc.uuid(rs, "app_id"), metrics(rs)))) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static NodeMetrics metrics(ResultSet rs) throws SQLException {
    return new NodeMetrics(
        rs.getLong("requests"),
        rs.getDouble("average_latency_ms"),
        rs.getLong("active_connections"),
        rs.getDouble("cpu_seconds"),
        rs.getLong("heap_max_bytes"),
        rs.getLong("direct_max_bytes"));
  }
}
