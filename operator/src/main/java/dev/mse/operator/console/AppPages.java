package dev.mse.operator.console;

import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsReason;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.apps.AppRouteTable;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.console.ConsoleSessions.Session;
import dev.mse.operator.console.ConsoleViews.AppPage;
import dev.mse.operator.console.ConsoleViews.EvidenceView;
import dev.mse.operator.console.ConsoleViews.HistoryEntry;
import dev.mse.operator.console.ConsoleViews.Pair;
import dev.mse.operator.console.ConsoleViews.StopPage;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /console/apps/{id}…}: one app's page (evidence, verify command, history), its logs and
 * chart points for the page's script, and stopping it after confirmation.
 */
final class AppPages {
  /** An app page shows this many of the newest status changes. */
  private static final int HISTORY_ROWS = 100;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final OperatorConfig config;
  private final ProjectService projects;
  private final AppService apps;
  private final AppRows rows;
  private final MetricsHistory metrics;
  private final EvidenceProbe evidence;
  private final ConsolePages pages;

  AppPages(
      OperatorConfig config,
      ProjectService projects,
      AppService apps,
      AppRows rows,
      MetricsHistory metrics,
      EvidenceProbe evidence,
      ConsolePages pages) {
    this.config = config;
    this.projects = projects;
    this.apps = apps;
    this.rows = rows;
    this.metrics = metrics;
    this.evidence = evidence;
    this.pages = pages;
  }

  /** {@code /console/apps/{id}} and below. */
  Answer route(Exchange x, Session s, boolean get) throws OperatorException {
    AppRecord app = app(s, x.segment(1));
    if (x.path().size() == 2) {
      return get ? page(s, app) : pages.notAllowed();
    }
    return switch (x.path().size() == 3 ? x.segment(2) : "") {
      case "logs" -> get ? Answer.text(apps.logs(s.accountId(), app.id())) : pages.notAllowed();
      case "metrics" -> get ? metricsJson(s, app) : pages.notAllowed();
      case "stop" -> get ? stopPage(s, app) : stop(s, app);
      default -> pages.notFound(s);
    };
  }

  private AppRecord app(Session s, String id) throws OperatorException {
    Optional<UUID> uuid = ProjectService.parseUuid(id);
    if (uuid.isEmpty()) {
      throw OperatorException.notFound("app_not_found", "You have no app with this id.");
    }
    return apps.get(s.accountId(), uuid.get());
  }

  private String projectName(Session s, UUID projectId) {
    try {
      return projects.get(s.accountId(), projectId).name();
    } catch (OperatorException e) {
      return "";
    }
  }

  private Answer page(Session s, AppRecord app) {
    List<HistoryEntry> history =
        apps.history(app, HISTORY_ROWS).stream()
            .map(e -> new HistoryEntry(ConsoleFormat.time(e.at()), e.status(), e.detail()))
            .toList();
    EvidenceView view = null;
    String problem = null;
    Optional<NodeAddress> node = apps.nodeAddress(app);
    if (node.isEmpty()) {
      problem =
          app.status().isLive()
              ? "The app's enclave does not listen yet."
              : "The app is " + app.status().wireName() + ": its enclave is gone.";
    } else {
      try {
        view = evidenceView(evidence.verify(app, node.get()));
      } catch (IOException e) {
        problem = "The enclave did not answer (" + e.getMessage() + ").";
      }
    }
    String port = config.proxyPort() == 443 ? "" : ":" + config.proxyPort();
    String enclaveDomain = AppRouteTable.enclaveDomain(app.id(), config.appsDomain());
    VerifyAdvice advice =
        VerifyAdvice.of(
            app.status().isLive(),
            app.sslOrigin(),
            app.domain(),
            enclaveDomain,
            config.proxyPort(),
            Optional.ofNullable(view).map(EvidenceView::codeSha256),
            evidence.simulation());
    return pages.render(
        200,
        "app",
        new AppPage(
            ConsolePages.chrome(s, app.name(), "apps"),
            rows.row(app, projectName(s, app.projectId())),
            "https://" + app.domain() + port + "/",
            enclaveDomain,
            app.failure().orElse(null),
            history,
            view,
            problem,
            advice.command().orElse(null),
            advice.note(),
            app.status().isLive() || app.status() == AppStatus.ON_ERROR));
  }

  /** What the app page shows of a verdict: refused evidence shows as refused, with its reasons. */
  static EvidenceView evidenceView(EvidenceProbe.Verified v) {
    RaTlsAppraisal a = v.appraisal();
    Optional<Appraisal> quote = a.quote();
    Optional<AttestationClaims> claims = a.claims();
    List<Pair> measurements = new ArrayList<>();
    quote.ifPresent(q -> q.measurements().forEach((k, val) -> measurements.add(new Pair(k, val))));
    boolean simulated =
        quote.map(q -> q.tee() == dev.mse.attestation.verify.TeeKind.SIMULATED).orElse(false);
    return new EvidenceView(
        ConsoleFormat.time(v.at()),
        a.accepted(),
        simulated,
        quote.map(q -> q.tee().name()).orElse("unknown"),
        quote.flatMap(Appraisal::tcbStatus).map(Object::toString).orElse("not evaluated"),
        quote.map(Appraisal::advisoryIds).orElse(List.of()),
        measurements,
        claims.flatMap(AttestationClaims::codeSha256).map(c -> c.hex()).orElse(null),
        claims.map(c -> c.packageSha256().hex()).orElse(null),
        claims.map(c -> c.state().wireName()).orElse(null),
        claims.map(AttestationClaims::runtime).orElse(null),
        a.reasons().stream().map(RaTlsReason::message).toList());
  }

  private Answer metricsJson(Session s, AppRecord app) throws OperatorException {
    var current = apps.metrics(s.accountId(), app.id());
    List<MetricsHistory.Point> points = metrics.points(app.id(), current);
    byte[] body = JSON.writeValueAsBytes(Map.of("points", points));
    return new Answer(200, "application/json", body, List.of());
  }

  private Answer stopPage(Session s, AppRecord app) {
    return pages.render(
        200,
        "stop",
        new StopPage(
            ConsolePages.chrome(s, "Stop " + app.name(), "apps"),
            rows.row(app, projectName(s, app.projectId()))));
  }

  private Answer stop(Session s, AppRecord app) throws OperatorException {
    apps.stop(s.accountId(), app.id());
    return Answer.seeOther("/console/apps/" + app.id());
  }
}
