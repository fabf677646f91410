package dev.mse.cli.operator;

import dev.mse.cli.UserError;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.admin.AdminClient;
import dev.mse.operator.admin.AdminCommands;
import dev.mse.operator.admin.AdminReply;
import dev.mse.operator.admin.AdminRequest;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.EmptyDatabaseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
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
    description = {
      "Create an account, the password read from stdin (at least 12 characters); with --token,"
          + " also print an API token for 'mse cloud login --token'.",
      "While the operator of the data directory serves, the account is created through it (its"
          + " admin channel, <data>/admin/operator.sock, open to the operator's user only);"
          + " otherwise in its database, which must exist: this command never creates one."
    })
final class AccountCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OperatorOptions options;

  @Parameters(paramLabel = "EMAIL", description = "the account's email")
  String email;

  @Option(names = "--token", description = "also create an API token and print it")
  boolean token;

  @Option(
      names = "--token-days",
      paramLabel = "DAYS",
      description =
          "how long that token lives, 1 to 365 days (default: the operator's token_lifetime_days,"
              + " 90 unless set); implies --token")
  Integer tokenDays;

  @Override
  public Integer call() throws Exception {
    OperatorConfig config = options.resolve();
    String password =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (password == null) {
      throw new UserError("give the password on stdin");
    }
    AdminRequest request =
        new AdminRequest.CreateAccount(
            email,
            password.strip(),
            token || tokenDays != null,
            tokenDays == null ? OptionalInt.empty() : OptionalInt.of(tokenDays));
    Optional<AdminReply> served;
    try {
      served = AdminClient.send(config.dataDir(), request);
    } catch (IOException e) {
      throw new UserError(e.getMessage(), e);
    }
    AdminReply reply = served.isPresent() ? served.get() : withoutOperator(config, request);
    PrintWriter out = spec.commandLine().getOut();
    switch (reply) {
      case AdminReply.AccountCreated created -> {
        out.println("created " + created.email() + " (" + created.accountId() + ")");
        created.token().ifPresent(out::println);
        created
            .tokenExpires()
            .ifPresent(t -> spec.commandLine().getErr().println("the token expires at " + t));
      }
      case AdminReply.Refused refused -> throw new UserError(refused.message());
    }
    out.flush();
    return 0;
  }

  /** No operator serves the data directory: its database, if there is one, is free to open. */
  private static AdminReply withoutOperator(OperatorConfig config, AdminRequest request) {
    boolean h2 = config.databaseUrl().isEmpty();
    if (h2 && !Files.isRegularFile(Database.h2DatabaseFile(config.dataDir()))) {
      throw new UserError(noOperator(config.dataDir()));
    }
    String url = h2 ? Database.existingH2Url(config.dataDir()) : config.jdbcUrl();
    try (Database db =
        Database.open(
            url,
            () -> {
              throw new EmptyDatabaseException(noOperator(config.dataDir()));
            })) {
      // The offers come first: a new account's projects get quotas on them.
      new HardwareCatalog(db).sync(config);
      return new AdminCommands(new AccountService(db, config, Clock.systemUTC())).handle(request);
    } catch (EmptyDatabaseException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private static String noOperator(Path dataDir) {
    return "no operator serves "
        + dataDir.toAbsolutePath()
        + " and it has no operator database: give the --data or --config of an operator ('mse"
        + " operator serve' creates its database)";
  }
}
