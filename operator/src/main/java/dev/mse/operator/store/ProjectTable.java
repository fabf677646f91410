package dev.mse.operator.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rows of {@code projects}, {@code project_members} and {@code quotas}. Lookups take the caller's
 * account: a project the caller is not a member of does not exist for them.
 */
public final class ProjectTable {
  private static final String COLUMNS = "p.id, p.name, p.description, p.created_at";
  private static final String MEMBER_JOIN =
      " FROM projects p JOIN project_members m ON m.project_id = p.id WHERE m.account_id = ?";

  private ProjectTable() {}

  public static void insert(Connection c, Project p) {
    Jdbc.update(
        c,
        "INSERT INTO projects (id, name, description, created_at) VALUES (?, ?, ?, ?)",
        p.id(),
        p.name(),
        p.description(),
        p.createdAt());
  }

  public static void addMember(Connection c, UUID projectId, UUID accountId) {
    Jdbc.update(
        c,
        "INSERT INTO project_members (project_id, account_id) VALUES (?, ?)",
        projectId,
        accountId);
  }

  public static Optional<Project> byId(Connection c, UUID accountId, UUID projectId) {
    return Jdbc.one(
        c,
        "SELECT " + COLUMNS + MEMBER_JOIN + " AND p.id = ?",
        ProjectTable::project,
        accountId,
        projectId);
  }

  /** The caller's projects with this name, oldest first. */
  public static List<Project> byName(Connection c, UUID accountId, String name) {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + MEMBER_JOIN + " AND p.name = ? ORDER BY p.created_at, p.id",
        ProjectTable::project,
        accountId,
        name);
  }

  public static int countOfMember(Connection c, UUID accountId) {
    return Jdbc.one(
            c,
            "SELECT COUNT(*) AS n FROM project_members WHERE account_id = ?",
            rs -> rs.getInt("n"),
            accountId)
        .orElse(0);
  }

  public static List<Project> ofMember(Connection c, UUID accountId) {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + MEMBER_JOIN + " ORDER BY p.created_at, p.id",
        ProjectTable::project,
        accountId);
  }

  /** Sets (or replaces) a project's quota on one offer. */
  public static void setQuota(Connection c, UUID projectId, String hardware, int maxApps) {
    if (Jdbc.update(
            c,
            "UPDATE quotas SET max_apps = ? WHERE project_id = ? AND hardware = ?",
            maxApps,
            projectId,
            hardware)
        == 0) {
      Jdbc.update(
          c,
          "INSERT INTO quotas (project_id, hardware, max_apps) VALUES (?, ?, ?)",
          projectId,
          hardware,
          maxApps);
    }
  }

  /** Every quota of the project with the number of live apps on it. */
  public static List<Quota> quotas(Connection c, UUID projectId) {
    return Jdbc.query(
        c,
        "SELECT q.hardware, q.max_apps, (SELECT COUNT(*) FROM apps a WHERE a.project_id ="
            + " q.project_id AND a.hardware = q.hardware AND a.status IN ('spawning',"
            + " 'initializing', 'running')) AS used FROM quotas q WHERE q.project_id = ? ORDER BY"
            + " q.hardware",
        rs -> new Quota(rs.getString("hardware"), rs.getInt("max_apps"), rs.getInt("used")),
        projectId);
  }

  /**
   * The project's quota on one offer, its row locked until the transaction ends, so that two
   * deployments cannot both take the last place.
   */
  public static Optional<Quota> lockQuota(Connection c, UUID projectId, String hardware) {
    Optional<Integer> max =
        Jdbc.one(
            c,
            "SELECT max_apps FROM quotas WHERE project_id = ? AND hardware = ? FOR UPDATE",
            rs -> rs.getInt("max_apps"),
            projectId,
            hardware);
    if (max.isEmpty()) {
      return Optional.empty();
    }
    int used =
        Jdbc.one(
                c,
                "SELECT COUNT(*) AS n FROM apps WHERE project_id = ? AND hardware = ? AND status IN"
                    + " ('spawning', 'initializing', 'running')",
                rs -> rs.getInt("n"),
                projectId,
                hardware)
            .orElse(0);
    return Optional.of(new Quota(hardware, max.get(), used));
  }

  static Project project(ResultSet rs) throws SQLException {
    return new Project(
        Jdbc.uuid(rs, "id"),
        rs.getString("name"),
        rs.getString("description"),
        Jdbc.instant(rs, "created_at"));
  }
}
