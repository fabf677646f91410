package dev.mse.operator.console;

import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.console.ConsoleSessions.Session;
import dev.mse.operator.console.ConsoleViews.TokenRow;
import dev.mse.operator.console.ConsoleViews.TokensPage;
import dev.mse.operator.store.ApiToken;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /console/tokens}: the account's API tokens; a new one, whose secret is shown on the answer
 * that created it only; revoking one.
 */
final class TokenPages {
  private final AccountService accounts;
  private final ConsolePages pages;

  TokenPages(AccountService accounts, ConsolePages pages) {
    this.accounts = accounts;
    this.pages = pages;
  }

  Answer show(Session s, String newName, String secret, String error, int status) {
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
        new TokensPage(
            ConsolePages.chrome(s, "API tokens", "tokens"), rows, newName, secret, error));
  }

  Answer create(Session s, Fields form) {
    String name = Exchange.field(form, "name");
    String days = Exchange.field(form, "days");
    int d;
    try {
      d = Integer.parseInt(days.strip());
    } catch (NumberFormatException e) {
      return show(s, null, null, "The lifetime must be a whole number of days.", 400);
    }
    try {
      AccountService.NewToken t = accounts.createToken(s.accountId(), name, Duration.ofDays(d));
      // the secret goes into this answer only (no-store): the page after a reload no longer has it
      return show(s, t.token().name(), t.secret(), null, 201);
    } catch (OperatorException e) {
      return show(s, null, null, e.getMessage(), e.kind().status());
    }
  }

  Answer revoke(Session s, String id) throws OperatorException {
    Optional<UUID> uuid = ProjectService.parseUuid(id);
    if (uuid.isEmpty()) {
      throw OperatorException.notFound("token_not_found", "No token with this id.");
    }
    accounts.deleteToken(s.accountId(), uuid.get());
    return Answer.seeOther("/console/tokens");
  }
}
