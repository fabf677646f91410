package dev.mse.operator.api;

import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.store.Account;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** {@code /users/me}, sign-up and API tokens. */
final class AccountEndpoints {
  /** {@code DELETE /api/v1/tokens/current} revokes the token the request carries. */
  static final String CURRENT = "current";

  private final AccountService accounts;

  AccountEndpoints(AccountService accounts) {
    this.accounts = accounts;
  }

  List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("GET", "/api/v1/users/me", true, this::me),
        new Endpoint("POST", "/api/v1/accounts", false, this::signUp),
        new Endpoint("POST", "/api/v1/tokens", true, this::createToken),
        new Endpoint("GET", "/api/v1/tokens", true, this::listTokens),
        new Endpoint("DELETE", "/api/v1/tokens/{id}", true, this::deleteToken));
  }

  private Reply me(Call call) {
    return Reply.ok(Views.account(call.account()));
  }

  private Reply signUp(Call call) throws OperatorException {
    JsonNode body = call.jsonBody();
    Account account =
        accounts.signUp(call.source(), Call.text(body, "email"), Call.text(body, "password"));
    return Reply.json(201, Views.account(account));
  }

  private Reply createToken(Call call) throws OperatorException {
    JsonNode body = call.jsonBody();
    String name = Call.text(body, "name");
    AccountService.NewToken t =
        body.has("expires_in_days")
            ? accounts.createToken(
                call.account().id(), name, Duration.ofDays(days(body.get("expires_in_days"))))
            : accounts.createToken(call.account().id(), name);
    return Reply.json(
        201,
        new Views.NewTokenView(
            t.token().id().toString(),
            t.token().name(),
            t.secret(),
            Views.time(t.token().createdAt()),
            Views.time(t.token().expiresAt())));
  }

  private static long days(JsonNode v) throws OperatorException {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 365) {
      throw OperatorException.badRequest(
          "invalid_expiry", "expires_in_days must be a whole number from 1 to 365.");
    }
    return v.asInt();
  }

  private Reply listTokens(Call call) {
    return Reply.ok(
        new Views.Items<>(
            accounts.tokens(call.account().id()).stream().map(Views::token).toList()));
  }

  private Reply deleteToken(Call call) throws OperatorException {
    if (call.path("id").equals(CURRENT)) {
      // Logging out: the token of this very request, which the caller knows only as a secret.
      String header = call.header(org.eclipse.jetty.http.HttpHeader.AUTHORIZATION).orElse("");
      accounts.revokeToken(call.account().id(), header.substring("Bearer ".length()).strip());
      return Reply.noContent();
    }
    OperatorException notFound =
        OperatorException.notFound("token_not_found", "No token with this id.");
    UUID id = call.pathId("id", notFound);
    accounts.deleteToken(call.account().id(), id);
    return Reply.noContent();
  }
}
