package dev.mse.operator.console;

import dev.mse.operator.OperatorException;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.apps.AppQuery;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.console.ConsoleSessions.Session;
import dev.mse.operator.console.ConsoleViews.AppRow;
import dev.mse.operator.console.ConsoleViews.AppsPage;
import dev.mse.operator.console.ConsoleViews.Option;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.store.Project;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.jetty.util.Fields;

/** {@code /console/apps}: the signed-in account's apps, filtered by project and status. */
final class AppListPage {
  private final ProjectService projects;
  private final AppService apps;
  private final AppRows rows;
  private final ConsolePages pages;

  AppListPage(ProjectService projects, AppService apps, AppRows rows, ConsolePages pages) {
    this.projects = projects;
    this.apps = apps;
    this.rows = rows;
    this.pages = pages;
  }

  Answer show(Exchange x, Session s) throws OperatorException {
    Fields query = x.query();
    String project = Optional.ofNullable(query.getValue("project")).orElse("");
    String status = Optional.ofNullable(query.getValue("status")).orElse("");
    List<Project> mine = projects.list(s.accountId(), Optional.empty());
    Map<UUID, String> names = new LinkedHashMap<>();
    mine.forEach(p -> names.put(p.id(), p.name()));
    List<Option> projectOptions = new ArrayList<>();
    projectOptions.add(new Option("", "All projects", project.isEmpty()));
    mine.forEach(
        p ->
            projectOptions.add(
                new Option(p.id().toString(), p.name(), p.id().toString().equals(project))));
    List<Option> statusOptions = new ArrayList<>();
    statusOptions.add(new Option("", "Any status", status.isEmpty()));
    for (AppStatus st : AppStatus.values()) {
      statusOptions.add(new Option(st.wireName(), st.wireName(), st.wireName().equals(status)));
    }
    Optional<AppStatus> wanted = AppStatus.fromWireName(status);
    Optional<UUID> projectId = ProjectService.parseUuid(project);
    String problem = null;
    if (!status.isEmpty() && wanted.isEmpty()) {
      problem = "There is no status '" + status + "'.";
    } else if (!project.isEmpty() && (projectId.isEmpty() || !names.containsKey(projectId.get()))) {
      problem = "You have no such project.";
    }
    List<AppRow> shown = new ArrayList<>();
    boolean more = false;
    if (problem == null) {
      Set<AppStatus> statuses =
          wanted.map(EnumSet::of).orElseGet(() -> EnumSet.noneOf(AppStatus.class));
      var page =
          apps.list(
              s.accountId(),
              new AppQuery(
                  Optional.empty(),
                  statuses,
                  projectId.map(UUID::toString),
                  AppQuery.MAX_LIMIT,
                  Optional.empty()));
      page.items().forEach(a -> shown.add(rows.row(a, names.getOrDefault(a.projectId(), ""))));
      more = page.nextCursor().isPresent();
    }
    return pages.render(
        problem == null ? 200 : 400,
        "apps",
        new AppsPage(
            ConsolePages.chrome(s, "Apps", "apps"),
            shown,
            projectOptions,
            statusOptions,
            more,
            problem));
  }
}
