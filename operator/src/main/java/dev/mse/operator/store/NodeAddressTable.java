package dev.mse.operator.store;

import dev.mse.operator.node.NodeAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Rows of {@code node_addresses}: where the leader's node of each app listens, so that the proxy of
 * every instance routes to it (several instances on one PostgreSQL).
 */
public final class NodeAddressTable {
  private NodeAddressTable() {}

  /** Records where the node of an app listens (replacing what was recorded). */
  public static void put(Connection c, UUID appId, NodeAddress address) {
    InetSocketAddress enclave = address.enclave();
    InetSocketAddress app = address.app();
    if (Jdbc.update(
            c,
            "UPDATE node_addresses SET enclave_host = ?, enclave_port = ?, app_host = ?,"
                + " app_port = ? WHERE app_id = ?",
            enclave.getHostString(),
            enclave.getPort(),
            app.getHostString(),
            app.getPort(),
            appId)
        == 0) {
      Jdbc.update(
          c,
          "INSERT INTO node_addresses (app_id, enclave_host, enclave_port, app_host, app_port)"
              + " VALUES (?, ?, ?, ?, ?)",
          appId,
          enclave.getHostString(),
          enclave.getPort(),
          app.getHostString(),
          app.getPort());
    }
  }

  /** The recorded address of one app's node while the app serves. */
  public static java.util.Optional<NodeAddress> serving(Connection c, UUID appId) {
    return Jdbc.one(
        c,
        "SELECT n.enclave_host, n.enclave_port, n.app_host, n.app_port FROM node_addresses n"
            + " JOIN apps a ON a.id = n.app_id WHERE n.app_id = ? AND a.status IN"
            + " ('initializing', 'running')",
        NodeAddressTable::address,
        appId);
  }

  private static NodeAddress address(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new NodeAddress(
        new InetSocketAddress(rs.getString("enclave_host"), rs.getInt("enclave_port")),
        new InetSocketAddress(rs.getString("app_host"), rs.getInt("app_port")));
  }

  /** The recorded addresses of the serving apps' nodes (host names are literal addresses). */
  public static Map<UUID, NodeAddress> serving(Connection c) {
    Map<UUID, NodeAddress> out = new HashMap<>();
    for (Map.Entry<UUID, NodeAddress> e :
        Jdbc.query(
            c,
            "SELECT n.app_id, n.enclave_host, n.enclave_port, n.app_host, n.app_port FROM"
                + " node_addresses n JOIN apps a ON a.id = n.app_id WHERE a.status IN"
                + " ('initializing', 'running')",
            rs -> Map.entry(Jdbc.uuid(rs, "app_id"), address(rs)))) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}
