package dev.mse.operator.console;

import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.console.ConsoleSessions.Session;
import dev.mse.operator.console.ConsoleViews.AccountPage;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.ApiToken;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /console/account}: who is signed in; changing the password (which signs the account's
 * other browsers out); signing out everywhere (every session and every API token ends).
 */
final class AccountPages {
  private final AccountService accounts;
  private final ConsoleSessions sessions;
  private final SignIn signIn;
  private final ConsolePages pages;

  AccountPages(
      AccountService accounts, ConsoleSessions sessions, SignIn signIn, ConsolePages pages) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.signIn = signIn;
    this.pages = pages;
  }

  /** {@code /console/account} and below. */
  Answer route(Exchange x, Session s, Optional<Fields> form) throws OperatorException {
    if (x.path().size() == 1) {
      String changed = x.query().getValue("changed");
      return form.isEmpty()
          ? show(
              s,
              "1".equals(changed)
                  ? "Your password was changed; your other sessions were signed out."
                  : null,
              null,
              200)
          : pages.notAllowed();
    }
    return x.path().size() != 2 || form.isEmpty()
        ? pages.notFound(s)
        : switch (x.segment(1)) {
          case "password" -> changePassword(x, s, form.get());
          case "sign-out-everywhere" -> signOutEverywhere(s);
          default -> pages.notFound(s);
        };
  }

  private Answer show(Session s, String message, String error, int status) {
    Optional<Account> account = accounts.account(s.accountId());
    return pages.render(
        status,
        "account",
        new AccountPage(
            ConsolePages.chrome(s, "Account", "account"),
            s.email(),
            account.map(a -> ConsoleFormat.time(a.createdAt())).orElse(null),
            message,
            error));
  }

  private Answer changePassword(Exchange x, Session s, Fields form) throws OperatorException {
    String current = Exchange.field(form, "current");
    String next = Exchange.field(form, "password");
    String again = Exchange.field(form, "again");
    if (!next.equals(again)) {
      return show(s, null, "The new password and its repetition differ.", 400);
    }
    Account account = accounts.account(s.accountId()).orElseThrow();
    boolean changed;
    try {
      changed = accounts.changePassword(x.source(), account, current, next);
    } catch (OperatorException e) {
      return show(s, null, e.getMessage(), e.kind().status());
    }
    if (!changed) {
      return show(s, null, "The current password is wrong.", 400);
    }
    // other browsers signed in with the old password are signed out; this one goes on
    sessions.endAll(s.accountId());
    return signIn.startSession(account, "/console/account?changed=1");
  }

  private Answer signOutEverywhere(Session s) throws OperatorException {
    sessions.endAll(s.accountId());
    for (ApiToken t : accounts.tokens(s.accountId())) {
      accounts.deleteToken(s.accountId(), t.id());
    }
    return signIn.signedOut();
  }
}
