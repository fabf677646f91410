package dev.mse.operator.console;

import dev.mse.operator.OperatorException;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.console.ConsoleSessions.Session;
import dev.mse.operator.console.ConsoleViews.ProjectRow;
import dev.mse.operator.console.ConsoleViews.ProjectsPage;
import dev.mse.operator.console.ConsoleViews.QuotaRow;
import dev.mse.operator.store.Project;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/** {@code /console/projects}: the account's projects with their quotas and usage; a new one. */
final class ProjectPages {
  private final ProjectService projects;
  private final ConsolePages pages;

  ProjectPages(ProjectService projects, ConsolePages pages) {
    this.projects = projects;
    this.pages = pages;
  }

  Answer show(Session s, String error, int status) throws OperatorException {
    List<ProjectRow> rows = new ArrayList<>();
    for (Project p : projects.list(s.accountId(), Optional.empty())) {
      List<QuotaRow> quotas =
          projects.quotas(s.accountId(), p.id()).stream()
              .map(q -> new QuotaRow(q.hardware(), q.used(), q.maxApps()))
              .toList();
      rows.add(
          new ProjectRow(
              p.id().toString(),
              p.name(),
              p.description(),
              ConsoleFormat.time(p.createdAt()),
              quotas));
    }
    return pages.render(
        status,
        "projects",
        new ProjectsPage(ConsolePages.chrome(s, "Projects", "projects"), rows, error));
  }

  Answer create(Session s, Fields form) throws OperatorException {
    try {
      projects.create(
          s.accountId(), Exchange.field(form, "name"), Exchange.field(form, "description"));
    } catch (OperatorException e) {
      return show(s, e.getMessage(), e.kind().status());
    }
    return Answer.seeOther("/console/projects");
  }
}
