package dev.mse.cli.operator;

import dev.mse.cli.UserError;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.Database;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mse operator account EMAIL}: create an account (password on stdin). */
@Command(
    name = "account",
    mixinStandardHelpOptions = true,
    description =
        "Create an account in the operator's database, the password read from stdin (at least 12"
            + " characters); with --token, also print an API token for 'mse cloud login --token'.")
final class AccountCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OperatorOptions options;

  @Parameters(paramLabel = "EMAIL", description = "the account's email")
  String email;

  @Option(names = "--token", description = "also create an API token and print it")
  boolean token;

  @Override
  public Integer call() throws Exception {
    OperatorConfig config = options.resolve();
    String password =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (password == null) {
      throw new UserError("give the password on stdin");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Database db = Database.open(config.jdbcUrl())) {
      // The offers come first: a new account's projects get quotas on them.
      new HardwareCatalog(db).sync(config);
      AccountService accounts = new AccountService(db, config, Clock.systemUTC());
      Account account = accounts.createAccount(email, password.strip());
      out.println("created " + account.email() + " (" + account.id() + ")");
      if (token) {
        out.println(accounts.createToken(account.id(), "created by mse operator account").secret());
      }
    } catch (OperatorException e) {
      throw new UserError(e.getMessage(), e);
    }
    out.flush();
    return 0;
  }
}
