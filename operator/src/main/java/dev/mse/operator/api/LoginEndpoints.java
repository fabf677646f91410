package dev.mse.operator.api;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.OAuthLogin;
import dev.mse.operator.account.Secrets;
import dev.mse.operator.store.Account;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * The CLI's browser login: {@code /login/authorize} (form, then 302 to the loopback redirect with
 * the code), {@code /login/token} (code + verifier → API token) and {@code /login/signup}. The
 * forms carry the OAuth parameters through hidden fields and a CSRF token that must equal the one
 * in a cookie (double submit), so another site cannot post credentials through a person's browser.
 */
final class LoginEndpoints {
  static final String CSRF_COOKIE = "mse_csrf";
  private static final List<String> OAUTH_PARAMS =
      List.of(
          "response_type",
          "client_id",
          "redirect_uri",
          "code_challenge",
          "code_challenge_method",
          "state");
  private static final Map<String, String> PAGE_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'none'; style-src 'unsafe-inline'",
          "X-Frame-Options",
          "DENY",
          "Referrer-Policy",
          "no-referrer");

  private final AccountService accounts;
  private final OAuthLogin oauth;
  private final OperatorConfig config;

  LoginEndpoints(AccountService accounts, OAuthLogin oauth, OperatorConfig config) {
    this.accounts = accounts;
    this.oauth = oauth;
    this.config = config;
  }

  List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("GET", "/login/authorize", false, c -> form(c, false)),
        new Endpoint("POST", "/login/authorize", false, c -> submit(c, false)),
        new Endpoint("GET", "/login/signup", false, c -> form(c, true)),
        new Endpoint("POST", "/login/signup", false, c -> submit(c, true)),
        new Endpoint("POST", "/login/token", false, this::token));
  }

  private Reply form(Call call, boolean signUp) {
    Map<String, String> params = new LinkedHashMap<>();
    try {
      for (String p : OAUTH_PARAMS) {
        params.put(p, call.query(p).orElse(null));
      }
      check(params);
    } catch (OperatorException e) {
      return errorPage(e.getMessage());
    }
    if (signUp && !config.signUp()) {
      return errorPage(
          "This operator does not allow sign-up; ask its administrator for an account.");
    }
    String csrf = Secrets.random();
    return page(signUp, params, csrf, Optional.empty(), 200);
  }

  private Reply submit(Call call, boolean signUp) throws OperatorException {
    Fields form = call.form();
    Map<String, String> params = new LinkedHashMap<>();
    for (String p : OAUTH_PARAMS) {
      params.put(p, form.getValue(p));
    }
    OAuthLogin.AuthorizeRequest request;
    try {
      request = check(params);
    } catch (OperatorException e) {
      return errorPage(e.getMessage());
    }
    String csrfField = Optional.ofNullable(form.getValue("csrf")).orElse("");
    String csrfCookie = call.cookie(CSRF_COOKIE).orElse("");
    if (csrfField.isEmpty() || !Secrets.constantTimeEquals(csrfField, csrfCookie)) {
      return page(
          signUp,
          params,
          Secrets.random(),
          Optional.of("The form expired; please try again."),
          400);
    }
    String email = Optional.ofNullable(form.getValue("email")).orElse("");
    String password = Optional.ofNullable(form.getValue("password")).orElse("");
    Optional<Account> account;
    if (signUp) {
      try {
        account = Optional.of(accounts.signUp(call.source(), email, password));
      } catch (OperatorException e) {
        return page(true, params, Secrets.random(), Optional.of(e.getMessage()), statusOf(e));
      }
    } else {
      try {
        account = accounts.authenticate(call.source(), email, password);
      } catch (OperatorException e) {
        return page(false, params, Secrets.random(), Optional.of(e.getMessage()), statusOf(e));
      }
    }
    if (account.isEmpty()) {
      return page(false, params, Secrets.random(), Optional.of("Wrong email or password."), 401);
    }
    String code = oauth.issueCode(account.get(), request);
    String uri = request.redirectUri();
    String location =
        uri
            + (uri.contains("?") ? "&" : "?")
            + "code="
            + URLEncoder.encode(code, StandardCharsets.UTF_8)
            + "&state="
            + URLEncoder.encode(request.state(), StandardCharsets.UTF_8);
    return Reply.redirect(location, Map.of());
  }

  private Reply token(Call call) throws OperatorException {
    Fields form = call.form();
    AccountService.NewToken token =
        oauth.exchange(
            form.getValue("grant_type"),
            form.getValue("code"),
            form.getValue("code_verifier"),
            form.getValue("redirect_uri"),
            form.getValue("client_id"));
    long expiresIn =
        token
            .token()
            .expiresAt()
            .map(t -> Math.max(0, t.getEpochSecond() - token.token().createdAt().getEpochSecond()))
            .orElse(0L);
    return Reply.ok(new Views.TokenResponse(token.secret(), "Bearer", expiresIn));
  }

  /** A refusal's status on the form: 429 and 503 as they are, anything else the form's 400. */
  private static int statusOf(OperatorException e) {
    int status = e.kind().status();
    return status == 429 || status == 503 ? status : 400;
  }

  private static OAuthLogin.AuthorizeRequest check(Map<String, String> p) throws OperatorException {
    return OAuthLogin.check(
        p.get("response_type"),
        p.get("client_id"),
        p.get("redirect_uri"),
        p.get("code_challenge"),
        p.get("code_challenge_method"),
        p.get("state"));
  }

  private Reply page(
      boolean signUp, Map<String, String> params, String csrf, Optional<String> error, int status) {
    StringBuilder hidden = new StringBuilder();
    StringBuilder query = new StringBuilder();
    for (var e : params.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      hidden
          .append("<input type=\"hidden\" name=\"")
          .append(Html.escape(e.getKey()))
          .append("\" value=\"")
          .append(Html.escape(e.getValue()))
          .append("\">\n");
      query
          .append(query.isEmpty() ? "?" : "&")
          .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    String title = signUp ? "Create an mse account" : "Sign in to mse";
    String action = signUp ? "/login/signup" : "/login/authorize";
    String other =
        signUp
            ? "<p><a href=\"/login/authorize" + Html.escape(query.toString()) + "\">Sign in</a></p>"
            : config.signUp()
                ? "<p><a href=\"/login/signup"
                    + Html.escape(query.toString())
                    + "\">Create an account</a></p>"
                : "";
    String html =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width\">"
            + "<title>"
            + title
            + "</title><style>body{font-family:sans-serif;max-width:24em;margin:4em auto}"
            + "label,input{display:block;width:100%;margin:.3em 0}"
            + ".error{color:#a00}</style></head><body>\n<h1>"
            + title
            + "</h1>\n"
            + error.map(m -> "<p class=\"error\">" + Html.escape(m) + "</p>\n").orElse("")
            + "<form method=\"post\" action=\""
            + action
            + "\">\n"
            + hidden
            + "<input type=\"hidden\" name=\"csrf\" value=\""
            + Html.escape(csrf)
            + "\">\n<label>Email <input type=\"email\" name=\"email\" required"
            + " autocomplete=\"username\"></label>\n"
            + "<label>Password <input type=\"password\" name=\"password\" required minlength=\"12\""
            + (signUp ? " autocomplete=\"new-password\"" : " autocomplete=\"current-password\"")
            + "></label>\n<button type=\"submit\">"
            + (signUp ? "Create account" : "Sign in")
            + "</button>\n</form>\n"
            + other
            + "</body></html>\n";
    Map<String, String> headers = new LinkedHashMap<>(PAGE_HEADERS);
    headers.put(
        "Set-Cookie",
        CSRF_COOKIE
            + "="
            + csrf
            + "; Path=/login; HttpOnly; SameSite=Strict; Max-Age=1800"
            + (config.apiTls().isPresent() ? "; Secure" : ""));
    return Reply.html(status, html, headers);
  }

  private static Reply errorPage(String message) {
    String html =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mse login"
            + "</title></head><body>\n<h1>This login link is not valid</h1>\n<p>"
            + Html.escape(message)
            + "</p>\n</body></html>\n";
    return Reply.html(400, html, PAGE_HEADERS);
  }
}
