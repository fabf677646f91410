package dev.mse.cli.cloud;

import dev.mse.cli.Json;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse cloud token list|create|revoke}: API tokens, for scripts and CI. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Your API tokens (for scripts and CI: MSE_TOKEN or 'mse cloud login --token'). The"
            + " operator keeps only their digests: a token is shown once, when it is created.",
    subcommands = {
      TokenCommand.ListTokens.class,
      TokenCommand.Create.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand {
  private TokenCommand() {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List your tokens (never their values).")
  static final class ListTokens implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
      JsonNode items = ApiClient.loggedIn().get("/tokens").path("items");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(items));
      } else {
        out.println(
            "Token ID                             | Expires at           | Last used at         |"
                + " Name");
        for (JsonNode t : items) {
          out.printf(
              "%-36s | %-20s | %-20s | %s%n",
              t.path("id").asString(),
              t.path("expires_at").asString(""),
              t.path("last_used_at").asString("never"),
              t.path("name").asString());
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a token and print it, once.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "what the token is for, e.g. ci")
    String name;

    @Option(
        names = "--days",
        paramLabel = "N",
        description = "days until it expires, 1 to 365 (default: the operator's, 90 unless set)")
    Integer days;

    @Option(names = "--json", description = "print JSON (with the token)")
    boolean json;

    @Override
    public Integer call() {
      ObjectNode body = Json.object();
      body.put("name", name);
      if (days != null) {
        body.put("expires_in_days", days);
      }
      JsonNode token = ApiClient.loggedIn().post("/tokens", body);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(token));
      } else {
        // The value alone on stdout, so that it can be piped; the rest on stderr.
        out.println(token.path("token").asString());
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "created the token "
                + token.path("name").asString()
                + " ("
                + token.path("id").asString()
                + "); "
                + TokenExpiry.of(token)
                    .map(at -> TokenExpiry.describe(at, java.time.Instant.now()))
                    .orElse("the operator gave no expiry")
                + ". It is shown only now.");
        err.flush();
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "the token's id ('mse cloud token list')")
    UUID id;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
      ApiClient.loggedIn().delete("/tokens/" + id);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode n = Json.object();
        n.put("revoked", id.toString());
        out.println(Json.write(n));
      } else {
        out.println("revoked the token " + id);
      }
      out.flush();
      return 0;
    }
  }
}
