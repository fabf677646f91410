package dev.mse.operator.account;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.store.AccountTable;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.Project;
import dev.mse.operator.store.ProjectTable;
import dev.mse.operator.store.Quota;
import dev.mse.protocol.config.AppFields;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Projects as their members see them. A project the caller is not a member of answers "not found",
 * never "forbidden": its existence is not the caller's business.
 */
public final class ProjectService {
  private static final int MAX_NAME = 255;
  private static final int MAX_DESCRIPTION = 2048;

  private final Database db;
  private final OperatorConfig config;
  private final Clock clock;

  public ProjectService(Database db, OperatorConfig config, Clock clock) {
    this.db = db;
    this.config = config;
    this.clock = clock;
  }

  /** The caller's projects, optionally only those with this name. */
  public List<Project> list(UUID accountId, Optional<String> name) {
    return db.read(
        c ->
            name.isPresent()
                ? ProjectTable.byName(c, accountId, name.get())
                : ProjectTable.ofMember(c, accountId));
  }

  public Project create(UUID accountId, String name, String description) throws OperatorException {
    String n = name.strip();
    if (n.isEmpty() || n.length() > MAX_NAME || !AppFields.isPrintable(n)) {
      throw OperatorException.badRequest(
          "invalid_name", "A project name must be 1 to 255 printable characters.");
    }
    if (description.length() > MAX_DESCRIPTION) {
      throw OperatorException.badRequest(
          "invalid_description", "A project description must be at most 2048 characters.");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    int max = config.limits().projectsPerAccount();
    return db.inTransaction(
        c -> {
          // the account's row, locked: two creations at once cannot both take the last place
          AccountTable.lock(c, accountId);
          if (ProjectTable.countOfMember(c, accountId) >= max) {
            throw OperatorException.conflict(
                "project_limit",
                "You have "
                    + max
                    + " projects, the most this operator allows; use one of them or ask its"
                    + " administrator.");
          }
          if (!ProjectTable.byName(c, accountId, n).isEmpty()) {
            throw OperatorException.conflict(
                "project_exists", "You already have a project named '" + n + "'.");
          }
          return insert(c, config, accountId, n, description, now);
        });
  }

  public Project get(UUID accountId, UUID projectId) throws OperatorException {
    return db.read(c -> ProjectTable.byId(c, accountId, projectId))
        .orElseThrow(ProjectService::notFound);
  }

  /**
   * Finds one of the caller's projects by id or, failing that, by name (the oldest of that name).
   */
  public Project resolve(UUID accountId, String idOrName) throws OperatorException {
    Optional<UUID> id = parseUuid(idOrName);
    Optional<Project> found =
        db.read(
            c ->
                id.isPresent()
                    ? ProjectTable.byId(c, accountId, id.get())
                    : ProjectTable.byName(c, accountId, idOrName).stream().findFirst());
    return found.orElseThrow(
        () ->
            OperatorException.notFound(
                "project_not_found", "You have no project '" + idOrName + "'."));
  }

  public List<Quota> quotas(UUID accountId, UUID projectId) throws OperatorException {
    get(accountId, projectId);
    return db.read(c -> ProjectTable.quotas(c, projectId));
  }

  /** Inserts a project with its first member and the operator's default quotas. */
  static Project insert(
      Connection c,
      OperatorConfig config,
      UUID accountId,
      String name,
      String description,
      Instant now) {
    Project project = new Project(UUID.randomUUID(), name, description, now);
    ProjectTable.insert(c, project);
    ProjectTable.addMember(c, project.id(), accountId);
    for (OperatorConfig.Offer offer : config.hardware()) {
      ProjectTable.setQuota(c, project.id(), offer.offer().name(), offer.defaultQuota());
    }
    return project;
  }

  public static Optional<UUID> parseUuid(String s) {
    if (s.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static OperatorException notFound() {
    return OperatorException.notFound("project_not_found", "No project with this id.");
  }
}
