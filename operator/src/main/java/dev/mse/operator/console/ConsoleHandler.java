package dev.mse.operator.console;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.account.Secrets;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.console.ConsoleSessions.Session;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's routes: each page's work is in the class named for it ({@link SignIn}, {@link
 * AppListPage}, {@link AppPages}, {@link ProjectPages}, {@link TokenPages}, {@link OfferPage},
 * {@link AccountPages}); this class checks the session and the form token, routes, and writes the
 * answer. Every page is answered with a strict CSP (scripts and styles from this origin's two
 * static files only, nothing inline), no framing and no caching. A signed-in page needs the session
 * cookie (HttpOnly, SameSite=Strict, Secure under TLS); every form post of a session carries the
 * session's synchronizer token, and the sign-in form a double-submit token bound to a cookie: a
 * post without the right token is a 403 and changes nothing.
 */
final class ConsoleHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);

  static final String SESSION_COOKIE = "mse_console";
  static final String LOGIN_COOKIE = "mse_console_login";
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private static final Map<String, String> STATIC =
      Map.of(
          "/console/static/console.css", "text/css; charset=utf-8",
          "/console/static/console.js", "text/javascript; charset=utf-8",
          "/console/static/favicon.svg", "image/svg+xml");

  private final ConsoleSessions sessions;
  private final ConsolePages pages;
  private final SignIn signIn;
  private final AppListPage appList;
  private final AppPages appPages;
  private final ProjectPages projectPages;
  private final TokenPages tokenPages;
  private final OfferPage offerPage;
  private final AccountPages accountPages;

  ConsoleHandler(
      OperatorConfig config,
      AccountService accounts,
      ProjectService projects,
      HardwareCatalog hardware,
      AppService apps,
      ConsoleSessions sessions,
      MetricsHistory metrics,
      EvidenceProbe evidence,
      ConsolePages pages) {
    this.sessions = sessions;
    this.pages = pages;
    this.signIn = new SignIn(accounts, sessions, pages, config.apiTls().isPresent());
    AppRows rows = new AppRows(apps);
    this.appList = new AppListPage(projects, apps, rows, pages);
    this.appPages = new AppPages(config, projects, apps, rows, metrics, evidence, pages);
    this.projectPages = new ProjectPages(projects, pages);
    this.tokenPages = new TokenPages(accounts, pages);
    this.offerPage = new OfferPage(hardware, config, pages);
    this.accountPages = new AccountPages(accounts, sessions, signIn, pages);
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
      answer = pages.error(Optional.empty(), e.kind().status(), e.getMessage());
    } catch (Exception | Error e) {
      LOG.error("{} {} failed", request.getMethod(), path, e);
      answer =
          pages.error(
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
      return method.equals("GET") ? resource(path, type) : pages.notAllowed();
    }
    List<String> segments = List.of(path.substring("/console/".length()).split("/", -1));
    Exchange x = new Exchange(request, method, segments, Exchange.cookie(request, SESSION_COOKIE));
    if (path.equals("/console/login")) {
      return switch (method) {
        case "GET" -> signIn.form(Optional.empty(), 200);
        case "POST" -> signIn.login(x);
        default -> pages.notAllowed();
      };
    }
    Optional<Session> session = x.cookie().flatMap(sessions::find);
    if (session.isEmpty()) {
      return method.equals("GET") && !path.endsWith("/logs") && !path.endsWith("/metrics")
          ? Answer.seeOther("/console/login")
          : pages.error(Optional.empty(), 401, "Your session has ended: sign in again.");
    }
    Session s = session.get();
    Optional<Fields> form = Optional.empty();
    if (method.equals("POST")) {
      Fields fields = Exchange.form(request);
      String token = Exchange.field(fields, "csrf");
      if (!Secrets.constantTimeEquals(token, s.csrf())) {
        return pages.error(
            Optional.of(s),
            403,
            "This form did not come from your console session (its token is missing or old):"
                + " reload the page and try again.");
      }
      form = Optional.of(fields);
    } else if (!method.equals("GET")) {
      return pages.notAllowed();
    }
    return signedIn(x, s, form);
  }

  private Answer signedIn(Exchange x, Session s, Optional<Fields> form) throws Exception {
    boolean get = form.isEmpty();
    int n = x.path().size();
    return switch (x.segment(0)) {
      case "apps" -> {
        if (n == 1) {
          yield get ? appList.show(x, s) : pages.notAllowed();
        }
        yield appPages.route(x, s, get);
      }
      case "projects" ->
          n != 1
              ? pages.notFound(s)
              : get ? projectPages.show(s, null, 200) : projectPages.create(s, form.get());
      case "tokens" -> {
        if (n == 1) {
          yield get ? tokenPages.show(s, null, null, null, 200) : tokenPages.create(s, form.get());
        }
        yield n == 3 && x.segment(2).equals("revoke") && !get
            ? tokenPages.revoke(s, x.segment(1))
            : pages.notFound(s);
      }
      case "hardware" -> n == 1 && get ? offerPage.show(s) : pages.notFound(s);
      case "account" -> accountPages.route(x, s, form);
      case "logout" -> n != 1 || get ? pages.notFound(s) : signIn.logout(x);
      default -> pages.notFound(s);
    };
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
