package dev.mse.operator.console;

import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsReason;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.account.Secrets;
import dev.mse.operator.apps.AppQuery;
import dev.mse.operator.apps.AppRouteTable;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.console.ConsoleSessions.Session;
import dev.mse.operator.console.ConsoleViews.AccountPage;
import dev.mse.operator.console.ConsoleViews.AppPage;
import dev.mse.operator.console.ConsoleViews.AppRow;
import dev.mse.operator.console.ConsoleViews.AppsPage;
import dev.mse.operator.console.ConsoleViews.Chrome;
import dev.mse.operator.console.ConsoleViews.ErrorPage;
import dev.mse.operator.console.ConsoleViews.EvidenceView;
import dev.mse.operator.console.ConsoleViews.HardwarePage;
import dev.mse.operator.console.ConsoleViews.HardwareRow;
import dev.mse.operator.console.ConsoleViews.HistoryEntry;
import dev.mse.operator.console.ConsoleViews.LoginPage;
import dev.mse.operator.console.ConsoleViews.Option;
import dev.mse.operator.console.ConsoleViews.Pair;
import dev.mse.operator.console.ConsoleViews.ProjectRow;
import dev.mse.operator.console.ConsoleViews.ProjectsPage;
import dev.mse.operator.console.ConsoleViews.QuotaRow;
import dev.mse.operator.console.ConsoleViews.StopPage;
import dev.mse.operator.console.ConsoleViews.TokenRow;
import dev.mse.operator.console.ConsoleViews.TokensPage;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.ApiToken;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.store.Project;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's routes. Every page is answered with a strict CSP (scripts and styles from this
 * origin's two static files only, nothing inline), no framing and no caching. A signed-in page
 * needs the session cookie (HttpOnly, SameSite=Strict, Secure under TLS); every form post of a
 * session carries the session's synchronizer token, and the sign-in form a double-submit token
 * bound to a cookie: a post without the right token is a 403 and changes nothing.
 */
final class ConsoleHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);

  static final String SESSION_COOKIE = "mse_console";
  static final String LOGIN_COOKIE = "mse_console_login";
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final int MAX_FORM_BYTES = 64 * 1024;

  /** An app page shows this many of the newest status changes. */
  private static final int HISTORY_ROWS = 100;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<String, String> STATIC =
      Map.of(
          "/console/static/console.css", "text/css; charset=utf-8",
          "/console/static/console.js", "text/javascript; charset=utf-8",
          "/console/static/favicon.svg", "image/svg+xml");

  private final OperatorConfig config;
  private final AccountService accounts;
  private final ProjectService projects;
  private final HardwareCatalog hardware;
  private final AppService apps;
  private final ConsoleSessions sessions;
  private final MetricsHistory metrics;
  private final EvidenceProbe evidence;
  private final ConsolePages pages;
  private final Clock clock;
  private final boolean secure;

  ConsoleHandler(
      OperatorConfig config,
      AccountService accounts,
      ProjectService projects,
      HardwareCatalog hardware,
      AppService apps,
      ConsoleSessions sessions,
      MetricsHistory metrics,
      EvidenceProbe evidence,
      ConsolePages pages,
      Clock clock) {
    this.config = config;
    this.accounts = accounts;
    this.projects = projects;
    this.hardware = hardware;
    this.apps = apps;
    this.sessions = sessions;
    this.metrics = metrics;
    this.evidence = evidence;
    this.pages = pages;
    this.clock = clock;
    this.secure = config.apiTls().isPresent();
  }

  /** One request: its path split, its method, the session its cookie names. */
  private record Exchange(
      Request request, String method, List<String> path, Optional<String> cookie) {
    String segment(int i) {
      return i < path.size() ? path.get(i) : "";
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (!path.equals("/") && !path.equals("/console") && !path.startsWith("/console/")) {
      return false;
    }
    Answer answer;
    try {
      answer = route(request, path);
    } catch (OperatorException e) {
      answer = error(Optional.empty(), e.kind().status(), e.getMessage());
    } catch (Exception | Error e) {
      LOG.error("{} {} failed", request.getMethod(), path, e);
      answer =
          error(
              Optional.empty(),
              500,
              "The operator could not handle this request; try again or tell its administrator.");
    }
    write(answer, response, callback);
    return true;
  }

  private Answer route(Request request, String path) throws Exception {
    String method = request.getMethod();
    if (path.equals("/") || path.equals("/console") || path.equals("/console/")) {
      return Answer.seeOther("/console/apps");
    }
    String type = STATIC.get(path);
    if (type != null) {
      return method.equals("GET") ? resource(path, type) : notAllowed();
    }
    List<String> segments = List.of(path.substring("/console/".length()).split("/", -1));
    Exchange x = new Exchange(request, method, segments, cookie(request, SESSION_COOKIE));
    if (path.equals("/console/login")) {
      return switch (method) {
        case "GET" -> loginForm(Optional.empty(), 200);
        case "POST" -> login(x);
        default -> notAllowed();
      };
    }
    Optional<Session> session = x.cookie().flatMap(sessions::find);
    if (session.isEmpty()) {
      return method.equals("GET") && !path.endsWith("/logs") && !path.endsWith("/metrics")
          ? Answer.seeOther("/console/login")
          : error(Optional.empty(), 401, "Your session has ended: sign in again.");
    }
    Session s = session.get();
    Optional<Fields> form = Optional.empty();
    if (method.equals("POST")) {
      Fields fields = form(request);
      String token = Optional.ofNullable(fields.getValue("csrf")).orElse("");
      if (!Secrets.constantTimeEquals(token, s.csrf())) {
        return error(
            Optional.of(s),
            403,
            "This form did not come from your console session (its token is missing or old):"
                + " reload the page and try again.");
      }
      form = Optional.of(fields);
    } else if (!method.equals("GET")) {
      return notAllowed();
    }
    return signedIn(x, s, form);
  }

  private Answer signedIn(Exchange x, Session s, Optional<Fields> form) throws Exception {
    boolean get = form.isEmpty();
    String first = x.segment(0);
    int n = x.path().size();
    return switch (first) {
      case "apps" -> {
        if (n == 1) {
          yield get ? appList(x, s) : notAllowed();
        }
        AppRecord app = app(s, x.segment(1));
        if (n == 2) {
          yield get ? appPage(s, app) : notAllowed();
        }
        yield switch (n == 3 ? x.segment(2) : "") {
          case "logs" -> get ? Answer.text(apps.logs(s.accountId(), app.id())) : notAllowed();
          case "metrics" -> get ? metricsJson(s, app) : notAllowed();
          case "stop" -> get ? stopPage(s, app) : stop(s, app);
          default -> notFound(s);
        };
      }
      case "projects" ->
          n != 1 ? notFound(s) : get ? projectsPage(s, null, 200) : createProject(s, form.get());
      case "tokens" -> {
        if (n == 1) {
          yield get ? tokensPage(s, null, null, null, 200) : createToken(s, form.get());
        }
        yield n == 3 && x.segment(2).equals("revoke") && !get
            ? revokeToken(s, x.segment(1))
            : notFound(s);
      }
      case "hardware" -> n == 1 && get ? hardwarePage(s) : notFound(s);
      case "account" -> {
        if (n == 1) {
          String changed = query(x.request()).getValue("changed");
          yield get
              ? accountPage(
                  s,
                  "1".equals(changed)
                      ? "Your password was changed; your other sessions were signed out."
                      : null,
                  null,
                  200)
              : notAllowed();
        }
        yield n != 2 || get
            ? notFound(s)
            : switch (x.segment(1)) {
              case "password" -> changePassword(x, s, form.get());
              case "sign-out-everywhere" -> signOutEverywhere(s);
              default -> notFound(s);
            };
      }
      case "logout" -> {
        if (n != 1 || get) {
          yield notFound(s);
        }
        x.cookie().ifPresent(sessions::end);
        yield Answer.seeOther("/console/login").with("Set-Cookie", clearSession());
      }
      default -> notFound(s);
    };
  }

  // --- sign-in

  private Answer loginForm(Optional<String> error, int status) {
    String token = Secrets.random();
    return pages
        .render(status, "login", new LoginPage(token, error.orElse(null)))
        .with(
            "Set-Cookie",
            LOGIN_COOKIE
                + "="
                + token
                + "; Path=/console/login; HttpOnly; SameSite=Strict; Max-Age=1800"
                + (secure ? "; Secure" : ""));
  }

  private Answer login(Exchange x) throws OperatorException {
    Fields form = form(x.request());
    String field = Optional.ofNullable(form.getValue("csrf")).orElse("");
    String bound = cookie(x.request(), LOGIN_COOKIE).orElse("");
    if (field.isEmpty() || !Secrets.constantTimeEquals(field, bound)) {
      return loginForm(
          Optional.of("This sign-in form expired or did not come from this page; try again."), 403);
    }
    String email = Optional.ofNullable(form.getValue("email")).orElse("");
    String password = Optional.ofNullable(form.getValue("password")).orElse("");
    Optional<Account> account;
    try {
      account = accounts.authenticate(source(x.request()), email, password);
    } catch (OperatorException e) {
      int status = e.kind().status();
      return loginForm(Optional.of(e.getMessage()), status == 429 || status == 503 ? status : 400);
    }
    if (account.isEmpty()) {
      return loginForm(Optional.of("Wrong email or password."), 401);
    }
    // a new session for every sign-in: a cookie planted before cannot be carried into it
    x.cookie().ifPresent(sessions::end);
    return startSession(account.get(), "/console/apps");
  }

  private Answer startSession(Account account, String location) {
    Optional<ConsoleSessions.Started> started = sessions.start(account.id(), account.email());
    if (started.isEmpty()) {
      return error(Optional.empty(), 503, "Too many people are signed in; try again later.")
          .with("Retry-After", "60");
    }
    return Answer.seeOther(location)
        .with(
            "Set-Cookie",
            SESSION_COOKIE
                + "="
                + started.get().cookie()
                + "; Path=/console; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : ""))
        .with(
            "Set-Cookie",
            LOGIN_COOKIE + "=; Path=/console/login; Max-Age=0; HttpOnly; SameSite=Strict");
  }

  private String clearSession() {
    return SESSION_COOKIE
        + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  // --- apps

  private Answer appList(Exchange x, Session s) throws OperatorException {
    Fields query = query(x.request());
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
    List<AppRow> rows = new ArrayList<>();
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
      page.items().forEach(a -> rows.add(row(a, names.getOrDefault(a.projectId(), ""))));
      more = page.nextCursor().isPresent();
    }
    return pages.render(
        problem == null ? 200 : 400,
        "apps",
        new AppsPage(
            chrome(s, "Apps", "apps"), rows, projectOptions, statusOptions, more, problem));
  }

  private AppRecord app(Session s, String id) throws OperatorException {
    Optional<UUID> uuid = ProjectService.parseUuid(id);
    if (uuid.isEmpty()) {
      throw OperatorException.notFound("app_not_found", "You have no app with this id.");
    }
    return apps.get(s.accountId(), uuid.get());
  }

  private AppRow row(AppRecord a, String project) {
    return new AppRow(
        a.id().toString(),
        a.name(),
        project,
        a.status().wireName(),
        a.domain(),
        trust(a.sslOrigin()),
        teeLabel(),
        ConsoleFormat.time(a.expiresAt()));
  }

  private String teeLabel() {
    String tee = apps.tee();
    return tee.equals("simulation") ? "simulation (not a hardware TEE)" : tee;
  }

  private static String trust(SslOrigin origin) {
    return switch (origin) {
      case SELF -> "zero trust (RA-TLS in the enclave)";
      case OWNER -> "owner's certificate (TLS ends in the enclave)";
      case OPERATOR -> "operator's TLS (--untrusted-ssl)";
    };
  }

  private String projectName(Session s, UUID projectId) {
    try {
      return projects.get(s.accountId(), projectId).name();
    } catch (OperatorException e) {
      return "";
    }
  }

  private Answer appPage(Session s, AppRecord app) {
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
            chrome(s, app.name(), "apps"),
            row(app, projectName(s, app.projectId())),
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
            chrome(s, "Stop " + app.name(), "apps"), row(app, projectName(s, app.projectId()))));
  }

  private Answer stop(Session s, AppRecord app) throws OperatorException {
    apps.stop(s.accountId(), app.id());
    return Answer.seeOther("/console/apps/" + app.id());
  }

  // --- projects, tokens, hardware, account

  private Answer projectsPage(Session s, String error, int status) throws OperatorException {
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
        status, "projects", new ProjectsPage(chrome(s, "Projects", "projects"), rows, error));
  }

  private Answer createProject(Session s, Fields form) throws OperatorException {
    try {
      projects.create(
          s.accountId(),
          Optional.ofNullable(form.getValue("name")).orElse(""),
          Optional.ofNullable(form.getValue("description")).orElse(""));
    } catch (OperatorException e) {
      return projectsPage(s, e.getMessage(), e.kind().status());
    }
    return Answer.seeOther("/console/projects");
  }

  private Answer tokensPage(Session s, String newName, String secret, String error, int status) {
    List<TokenRow> rows =
        accounts.tokens(s.accountId()).stream()
            .map(
                (ApiToken t) ->
                    new TokenRow(
                        t.id().toString(),
                        t.name(),
                        ConsoleFormat.time(t.createdAt()),
                        ConsoleFormat.time(t.lastUsedAt()),
                        ConsoleFormat.time(t.expiresAt())))
            .toList();
    return pages.render(
        status,
        "tokens",
        new TokensPage(chrome(s, "API tokens", "tokens"), rows, newName, secret, error));
  }

  private Answer createToken(Session s, Fields form) {
    String name = Optional.ofNullable(form.getValue("name")).orElse("");
    String days = Optional.ofNullable(form.getValue("days")).orElse("");
    int d;
    try {
      d = Integer.parseInt(days.strip());
    } catch (NumberFormatException e) {
      return tokensPage(s, null, null, "The lifetime must be a whole number of days.", 400);
    }
    try {
      AccountService.NewToken t = accounts.createToken(s.accountId(), name, Duration.ofDays(d));
      // the secret goes into this answer only (no-store): the page after a reload no longer has it
      return tokensPage(s, t.token().name(), t.secret(), null, 201);
    } catch (OperatorException e) {
      return tokensPage(s, null, null, e.getMessage(), e.kind().status());
    }
  }

  private Answer revokeToken(Session s, String id) throws OperatorException {
    Optional<UUID> uuid = ProjectService.parseUuid(id);
    if (uuid.isEmpty()) {
      throw OperatorException.notFound("token_not_found", "No token with this id.");
    }
    accounts.deleteToken(s.accountId(), uuid.get());
    return Answer.seeOther("/console/tokens");
  }

  private Answer hardwarePage(Session s) {
    List<HardwareRow> rows =
        hardware.all().stream()
            .map(h -> new HardwareRow(h.name(), h.memoryMb(), h.cores(), h.enclaveSizeMb()))
            .toList();
    return pages.render(
        200,
        "hardware",
        new HardwarePage(chrome(s, "Hardware", "hardware"), rows, config.defaultHardware()));
  }

  private Answer accountPage(Session s, String message, String error, int status) {
    Optional<Account> account = accounts.account(s.accountId());
    return pages.render(
        status,
        "account",
        new AccountPage(
            chrome(s, "Account", "account"),
            s.email(),
            account.map(a -> ConsoleFormat.time(a.createdAt())).orElse(null),
            message,
            error));
  }

  private Answer changePassword(Exchange x, Session s, Fields form) throws OperatorException {
    String current = Optional.ofNullable(form.getValue("current")).orElse("");
    String next = Optional.ofNullable(form.getValue("password")).orElse("");
    String again = Optional.ofNullable(form.getValue("again")).orElse("");
    if (!next.equals(again)) {
      return accountPage(s, null, "The new password and its repetition differ.", 400);
    }
    Account account = accounts.account(s.accountId()).orElseThrow();
    boolean changed;
    try {
      changed = accounts.changePassword(source(x.request()), account, current, next);
    } catch (OperatorException e) {
      return accountPage(s, null, e.getMessage(), e.kind().status());
    }
    if (!changed) {
      return accountPage(s, null, "The current password is wrong.", 400);
    }
    // other browsers signed in with the old password are signed out; this one goes on
    sessions.endAll(s.accountId());
    return startSession(account, "/console/account?changed=1");
  }

  private Answer signOutEverywhere(Session s) throws OperatorException {
    sessions.endAll(s.accountId());
    for (ApiToken t : accounts.tokens(s.accountId())) {
      accounts.deleteToken(s.accountId(), t.id());
    }
    return Answer.seeOther("/console/login").with("Set-Cookie", clearSession());
  }

  // --- plumbing

  private Chrome chrome(Session s, String title, String active) {
    return new Chrome(title, s.email(), s.csrf(), active);
  }

  private Answer notFound(Session s) {
    return error(Optional.of(s), 404, "There is no such page.");
  }

  private Answer notAllowed() {
    return error(Optional.empty(), 405, "This page does not accept that method.");
  }

  private Answer error(Optional<Session> s, int status, String message) {
    Chrome chrome = s.map(x -> chrome(x, "Error", "")).orElse(new Chrome("Error", null, null, ""));
    return pages.render(status, "error", new ErrorPage(chrome, status, message));
  }

  private static Answer resource(String path, String type) throws IOException {
    String name = "static/" + path.substring("/console/static/".length());
    try (InputStream in = ConsoleHandler.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing console resource " + name);
      }
      return new Answer(200, type, in.readAllBytes(), List.of());
    }
  }

  private static Fields form(Request request) throws OperatorException {
    String type = Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE)).orElse("");
    if (!type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      throw new OperatorException(
          OperatorException.Kind.UNSUPPORTED_MEDIA_TYPE,
          "unsupported_media_type",
          "The form must be sent as application/x-www-form-urlencoded.");
    }
    try {
      return FormFields.getFields(request, 32, MAX_FORM_BYTES);
    } catch (RuntimeException e) {
      throw OperatorException.badRequest("invalid_form", "The form is malformed or too large.");
    }
  }

  private static Fields query(Request request) throws OperatorException {
    try {
      return Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw OperatorException.badRequest(
          "invalid_query", "The query string is not valid percent-encoded UTF-8.");
    }
  }

  private static Optional<String> cookie(Request request, String name) {
    for (HttpCookie c : Request.getCookies(request)) {
      if (c.getName().equals(name)) {
        return Optional.of(c.getValue());
      }
    }
    return Optional.empty();
  }

  private static String source(Request request) {
    String address = Request.getRemoteAddr(request);
    return address == null ? "" : address;
  }

  private static void write(Answer answer, Response response, Callback callback) {
    response.setStatus(answer.status());
    var headers = response.getHeaders();
    if (!answer.contentType().isEmpty()) {
      headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
    }
    headers.put("Content-Security-Policy", CSP);
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    answer.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
    headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }
}
