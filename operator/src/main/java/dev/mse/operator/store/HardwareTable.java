package dev.mse.operator.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Rows of {@code hardware}: the offers, kept in step with the operator's config at start. */
public final class HardwareTable {
  private HardwareTable() {}

  /** Inserts the offer or updates the one of the same name. */
  public static void put(Connection c, HardwareOffer h) {
    if (Jdbc.update(
            c,
            "UPDATE hardware SET memory_mb = ?, cores = ?, enclave_size_mb = ? WHERE name = ?",
            h.memoryMb(),
            h.cores(),
            h.enclaveSizeMb(),
            h.name())
        == 0) {
      Jdbc.update(
          c,
          "INSERT INTO hardware (name, memory_mb, cores, enclave_size_mb) VALUES (?, ?, ?, ?)",
          h.name(),
          h.memoryMb(),
          h.cores(),
          h.enclaveSizeMb());
    }
  }

  /**
   * Locks every offer's row until the transaction ends: deployments that count live apps against
   * the operator-wide cap take their turn, so that two cannot both take the last place.
   */
  public static void lockAll(Connection c) {
    Jdbc.query(c, "SELECT name FROM hardware ORDER BY name FOR UPDATE", rs -> rs.getString("name"));
  }

  public static List<HardwareOffer> all(Connection c) {
    return Jdbc.query(
        c,
        "SELECT name, memory_mb, cores, enclave_size_mb FROM hardware ORDER BY name",
        HardwareTable::offer);
  }

  public static Optional<HardwareOffer> byName(Connection c, String name) {
    return Jdbc.one(
        c,
        "SELECT name, memory_mb, cores, enclave_size_mb FROM hardware WHERE name = ?",
        HardwareTable::offer,
        name);
  }

  private static HardwareOffer offer(ResultSet rs) throws SQLException {
    return new HardwareOffer(
        rs.getString("name"),
        rs.getInt("memory_mb"),
        rs.getInt("cores"),
        rs.getInt("enclave_size_mb"));
  }
}
