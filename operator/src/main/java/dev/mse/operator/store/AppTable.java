package dev.mse.operator.store;

import dev.mse.attestation.ratls.SslOrigin;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Rows of {@code apps}. Lookups for a person take their account and see only their projects. */
public final class AppTable {
  private static final String COLUMNS =
      "a.id, a.name, a.project_id, a.hardware, a.status, a.ssl_origin, a.domain,"
          + " a.deployment_config, a.package_sha256, a.package_path, a.java_application,"
          + " a.healthcheck_endpoint, a.created_at, a.ready_at, a.stopped_at, a.expires_at,"
          + " a.failure";
  private static final String LIVE = "('spawning', 'initializing', 'running')";

  private AppTable() {}

  /**
   * Claims the app's domain for as long as it lives; a second live claim of the same domain is a
   * unique violation ({@link StoreException#isUniqueViolation()}), even between concurrent
   * deployments.
   */
  public static void claimDomain(Connection c, AppRecord a) {
    Jdbc.update(c, "INSERT INTO domain_claims (domain, app_id) VALUES (?, ?)", a.domain(), a.id());
  }

  private static void releaseDomain(Connection c, UUID appId) {
    Jdbc.update(c, "DELETE FROM domain_claims WHERE app_id = ?", appId);
  }

  public static void insert(Connection c, AppRecord a) {
    Jdbc.update(
        c,
        "INSERT INTO apps (id, name, project_id, hardware, status, ssl_origin, domain,"
            + " deployment_config, package_sha256, package_path, java_application,"
            + " healthcheck_endpoint, created_at, ready_at, stopped_at, expires_at, failure)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        a.id(),
        a.name(),
        a.projectId(),
        a.hardware(),
        a.status().wireName(),
        a.sslOrigin().wireName(),
        a.domain(),
        a.deploymentConfig(),
        a.packageSha256(),
        a.packagePath().toString(),
        a.javaApplication(),
        a.healthcheckEndpoint(),
        a.createdAt(),
        a.readyAt(),
        a.stoppedAt(),
        a.expiresAt(),
        a.failure());
    AppEventTable.record(c, a.id(), a.createdAt(), a.status().wireName(), "deployed");
  }

  public static Optional<AppRecord> byId(Connection c, UUID id) {
    return Jdbc.one(c, "SELECT " + COLUMNS + " FROM apps a WHERE a.id = ?", AppTable::app, id);
  }

  /** The app if the account is a member of its project. */
  public static Optional<AppRecord> byIdForMember(Connection c, UUID accountId, UUID id) {
    return Jdbc.one(
        c,
        "SELECT "
            + COLUMNS
            + " FROM apps a JOIN project_members m ON m.project_id = a.project_id"
            + " WHERE m.account_id = ? AND a.id = ?",
        AppTable::app,
        accountId,
        id);
  }

  /** Whether any app ever used this id (ids are never reused). */
  public static boolean idExists(Connection c, UUID id) {
    return Jdbc.one(c, "SELECT 1 AS x FROM apps WHERE id = ?", rs -> 1, id).isPresent();
  }

  /** The live app that holds a domain, if any. */
  public static Optional<UUID> liveHolderOf(Connection c, String domain) {
    return Jdbc.one(
        c,
        "SELECT id FROM apps WHERE domain = ? AND status IN " + LIVE,
        rs -> Jdbc.uuid(rs, "id"),
        domain);
  }

  /** How many apps are live on this operator. */
  public static int countLive(Connection c) {
    return Jdbc.one(
            c, "SELECT COUNT(*) AS n FROM apps WHERE status IN " + LIVE, rs -> rs.getInt("n"))
        .orElse(0);
  }

  /** How many live apps of one offer the projects of an account hold together. */
  public static int countLiveOfMember(Connection c, UUID accountId, String hardware) {
    return Jdbc.one(
            c,
            "SELECT COUNT(*) AS n FROM apps a JOIN project_members m ON m.project_id ="
                + " a.project_id WHERE m.account_id = ? AND a.hardware = ? AND a.status IN "
                + LIVE,
            rs -> rs.getInt("n"),
            accountId,
            hardware)
        .orElse(0);
  }

  /** Every live app (operator restart, routes, expiry). */
  public static List<AppRecord> live(Connection c) {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + " FROM apps a WHERE a.status IN " + LIVE + " ORDER BY a.created_at",
        AppTable::app);
  }

  /** The status of every app the database knows, live or ended (the operator's start-up check). */
  public static Map<UUID, AppStatus> statuses(Connection c) {
    Map<UUID, AppStatus> statuses = new HashMap<>();
    for (Map.Entry<UUID, AppStatus> e :
        Jdbc.query(
            c, "SELECT id, status FROM apps", rs -> Map.entry(Jdbc.uuid(rs, "id"), status(rs)))) {
      statuses.put(e.getKey(), e.getValue());
    }
    return statuses;
  }

  /** Live apps whose expiry is at or before {@code now}. */
  public static List<AppRecord> expired(Connection c, Instant now) {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + " FROM apps a WHERE a.status IN " + LIVE + " AND a.expires_at <= ?",
        AppTable::app,
        now);
  }

  /**
   * A filtered page of the apps of some projects, newest first, after the {@code after} position
   * (keyset paging on {@code created_at, id}). The caller has resolved the projects the account may
   * see: with one project id and no join, PostgreSQL walks {@code apps_project_created (project_id,
   * created_at, id)} backwards and stops after {@code limit} rows, where a join on the members (or
   * on the project's name) made it read and sort every app of the project.
   *
   * @param projectIds the projects to list (none: an empty page)
   */
  public static List<AppRecord> list(
      Connection c,
      List<UUID> projectIds,
      Optional<String> name,
      Set<AppStatus> statuses,
      Optional<Position> after,
      int limit) {
    if (projectIds.isEmpty()) {
      return List.of();
    }
    List<Object> args = new ArrayList<>();
    if (projectIds.size() == 1) {
      String sql = page(projectIds.getFirst(), name, statuses, after, limit, args);
      return Jdbc.query(c, sql, AppTable::app, args.toArray());
    }
    // several projects: one bounded index walk each, merged; an IN list would make PostgreSQL
    // read and sort every app of those projects
    StringBuilder sql = new StringBuilder("SELECT * FROM (");
    for (int i = 0; i < projectIds.size(); i++) {
      sql.append(i == 0 ? "(" : " UNION ALL (")
          .append(page(projectIds.get(i), name, statuses, after, limit, args))
          .append(')');
    }
    sql.append(") u ORDER BY u.created_at DESC, u.id DESC LIMIT ?");
    args.add(limit);
    return Jdbc.query(c, sql.toString(), AppTable::app, args.toArray());
  }

  /** The query of one project's page, its arguments added to {@code args}. */
  private static String page(
      UUID projectId,
      Optional<String> name,
      Set<AppStatus> statuses,
      Optional<Position> after,
      int limit,
      List<Object> args) {
    StringBuilder sql =
        new StringBuilder("SELECT ").append(COLUMNS).append(" FROM apps a WHERE a.project_id = ?");
    args.add(projectId);
    if (name.isPresent()) {
      sql.append(" AND a.name = ?");
      args.add(name.get());
    }
    if (!statuses.isEmpty()) {
      sql.append(" AND a.status IN (").append(marks(statuses.size())).append(')');
      statuses.forEach(s -> args.add(s.wireName()));
    }
    if (after.isPresent()) {
      sql.append(" AND (a.created_at < ? OR (a.created_at = ? AND a.id < ?))");
      args.add(after.get().createdAt());
      args.add(after.get().createdAt());
      args.add(after.get().id());
    }
    sql.append(" ORDER BY a.created_at DESC, a.id DESC LIMIT ?");
    args.add(limit);
    return sql.toString();
  }

  /** A place in the newest-first order of apps. */
  public record Position(Instant createdAt, UUID id) {}

  /** Moves a live app to {@code initializing}; false if it is no longer live. */
  public static boolean markInitializing(Connection c, UUID id, Instant now) {
    if (Jdbc.update(
            c, "UPDATE apps SET status = 'initializing' WHERE id = ? AND status = 'spawning'", id)
        == 1) {
      AppEventTable.record(c, id, now, "initializing", "");
      return true;
    }
    return statusIs(c, id, "initializing");
  }

  /** Moves a live app to {@code running}; false if it is no longer live. */
  public static boolean markRunning(Connection c, UUID id, Instant now) {
    if (Jdbc.update(
            c,
            "UPDATE apps SET status = 'running', ready_at = COALESCE(ready_at, ?) WHERE id = ? AND"
                + " status IN ('spawning', 'initializing')",
            now,
            id)
        == 1) {
      AppEventTable.record(c, id, now, "running", "");
      return true;
    }
    return statusIs(c, id, "running");
  }

  private static boolean statusIs(Connection c, UUID id, String status) {
    return Jdbc.one(
            c,
            "SELECT 1 AS one FROM apps WHERE id = ? AND status = ?",
            rs -> rs.getInt("one"),
            id,
            status)
        .isPresent();
  }

  /** Moves a live app to {@code on_error} and releases its domain; run it in a transaction. */
  public static boolean markFailed(Connection c, UUID id, String failure, Instant now) {
    boolean changed =
        Jdbc.update(
                c,
                "UPDATE apps SET status = 'on_error', failure = ?, stopped_at = ? WHERE id = ? AND"
                    + " status IN "
                    + LIVE,
                failure,
                now,
                id)
            == 1;
    if (changed) {
      releaseDomain(c, id);
      AppEventTable.record(c, id, now, "on_error", failure);
    }
    return changed;
  }

  /** Moves a failed app to {@code stopped} (its owner stopped it); its failure stays. */
  public static boolean markFailedStopped(Connection c, UUID id, Instant now) {
    if (Jdbc.update(
            c, "UPDATE apps SET status = 'stopped' WHERE id = ? AND status = 'on_error'", id)
        == 1) {
      AppEventTable.record(c, id, now, "stopped", "stopped by its owner");
      return true;
    }
    return false;
  }

  /**
   * Moves a live app to {@code stopped} and releases its domain; run it in a transaction.
   *
   * @param why for its history: who or what stopped it
   */
  public static boolean markStopped(Connection c, UUID id, Instant now, String why) {
    boolean changed =
        Jdbc.update(
                c,
                "UPDATE apps SET status = 'stopped', stopped_at = ? WHERE id = ? AND status IN "
                    + LIVE,
                now,
                id)
            == 1;
    if (changed) {
      releaseDomain(c, id);
      AppEventTable.record(c, id, now, "stopped", why);
    }
    return changed;
  }

  private static String marks(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  private static AppStatus status(ResultSet rs) throws SQLException {
    return AppStatus.fromWireName(rs.getString("status"))
        .orElseThrow(() -> new SQLException("unknown app status in the database"));
  }

  static AppRecord app(ResultSet rs) throws SQLException {
    return new AppRecord(
        Jdbc.uuid(rs, "id"),
        rs.getString("name"),
        Jdbc.uuid(rs, "project_id"),
        rs.getString("hardware"),
        status(rs),
        SslOrigin.fromWireName(rs.getString("ssl_origin"))
            .orElseThrow(() -> new SQLException("unknown ssl origin in the database")),
        rs.getString("domain"),
        rs.getBytes("deployment_config"),
        rs.getString("package_sha256"),
        Path.of(rs.getString("package_path")),
        rs.getString("java_application"),
        rs.getString("healthcheck_endpoint"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "ready_at"),
        Jdbc.optionalInstant(rs, "stopped_at"),
        Jdbc.instant(rs, "expires_at"),
        Jdbc.optionalString(rs, "failure"));
  }
}
