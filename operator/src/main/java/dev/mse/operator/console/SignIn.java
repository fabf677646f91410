package dev.mse.operator.console;

import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.Secrets;
import dev.mse.operator.console.ConsoleViews.LoginPage;
import dev.mse.operator.store.Account;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * Signing in and out: the sign-in form with its double-submit token bound to a cookie, the session
 * cookie (HttpOnly, SameSite=Strict, Secure under TLS) a sign-in sets, and the one that ends it.
 */
final class SignIn {
  private final AccountService accounts;
  private final ConsoleSessions sessions;
  private final ConsolePages pages;
  private final boolean secure;

  SignIn(AccountService accounts, ConsoleSessions sessions, ConsolePages pages, boolean secure) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.pages = pages;
    this.secure = secure;
  }

  Answer form(Optional<String> error, int status) {
    String token = Secrets.random();
    return pages
        .render(status, "login", new LoginPage(token, error.orElse(null)))
        .with(
            "Set-Cookie",
            ConsoleHandler.LOGIN_COOKIE
                + "="
                + token
                + "; Path=/console/login; HttpOnly; SameSite=Strict; Max-Age=1800"
                + (secure ? "; Secure" : ""));
  }

  Answer login(Exchange x) throws OperatorException {
    Fields form = Exchange.form(x.request());
    String field = Exchange.field(form, "csrf");
    String bound = Exchange.cookie(x.request(), ConsoleHandler.LOGIN_COOKIE).orElse("");
    if (field.isEmpty() || !Secrets.constantTimeEquals(field, bound)) {
      return form(
          Optional.of("This sign-in form expired or did not come from this page; try again."), 403);
    }
    String email = Exchange.field(form, "email");
    String password = Exchange.field(form, "password");
    Optional<Account> account;
    try {
      account = accounts.authenticate(x.source(), email, password);
    } catch (OperatorException e) {
      int status = e.kind().status();
      return form(Optional.of(e.getMessage()), status == 429 || status == 503 ? status : 400);
    }
    if (account.isEmpty()) {
      return form(Optional.of("Wrong email or password."), 401);
    }
    // a new session for every sign-in: a cookie planted before cannot be carried into it
    x.cookie().ifPresent(sessions::end);
    return startSession(account.get(), "/console/apps");
  }

  /** A new session for {@code account}, and a redirect to {@code location}. */
  Answer startSession(Account account, String location) {
    Optional<ConsoleSessions.Started> started = sessions.start(account.id(), account.email());
    if (started.isEmpty()) {
      return pages
          .error(Optional.empty(), 503, "Too many people are signed in; try again later.")
          .with("Retry-After", "60");
    }
    return Answer.seeOther(location)
        .with(
            "Set-Cookie",
            ConsoleHandler.SESSION_COOKIE
                + "="
                + started.get().cookie()
                + "; Path=/console; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : ""))
        .with(
            "Set-Cookie",
            ConsoleHandler.LOGIN_COOKIE
                + "=; Path=/console/login; Max-Age=0; HttpOnly; SameSite=Strict");
  }

  /** Ends this browser's session and sends it to the sign-in form. */
  Answer logout(Exchange x) {
    x.cookie().ifPresent(sessions::end);
    return signedOut();
  }

  /** To the sign-in form, the session cookie cleared. */
  Answer signedOut() {
    return Answer.seeOther("/console/login")
        .with(
            "Set-Cookie",
            ConsoleHandler.SESSION_COOKIE
                + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : ""));
  }
}
