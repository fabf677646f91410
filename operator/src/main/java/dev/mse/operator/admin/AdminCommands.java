package dev.mse.operator.admin;

import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.store.Account;
import java.time.Duration;
import java.util.Optional;

/**
 * Carries out an {@link AdminRequest} with the operator's services: the same work whether it comes
 * over the admin channel of a running operator or from {@code mse operator account} on a database
 * no operator has open.
 */
public final class AdminCommands {
  /** The name of the tokens created with an account. */
  public static final String TOKEN_NAME = "created by mse operator account";

  private final AccountService accounts;

  public AdminCommands(AccountService accounts) {
    this.accounts = accounts;
  }

  public AdminReply handle(AdminRequest request) {
    try {
      return switch (request) {
        case AdminRequest.CreateAccount c -> {
          Account account = accounts.createAccount(c.email(), c.password());
          if (!c.withToken()) {
            yield new AdminReply.AccountCreated(
                account.id(), account.email(), Optional.empty(), Optional.empty());
          }
          AccountService.NewToken token =
              c.tokenDays().isPresent()
                  ? accounts.createToken(
                      account.id(), TOKEN_NAME, Duration.ofDays(c.tokenDays().getAsInt()))
                  : accounts.createToken(account.id(), TOKEN_NAME);
          yield new AdminReply.AccountCreated(
              account.id(),
              account.email(),
              Optional.of(token.secret()),
              token.token().expiresAt());
        }
      };
    } catch (OperatorException e) {
      return new AdminReply.Refused(e.code(), e.getMessage());
    }
  }
}
