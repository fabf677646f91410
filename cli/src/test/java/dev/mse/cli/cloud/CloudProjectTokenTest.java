package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.store.Account;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code mse cloud project …} and {@code mse cloud token …} against an operator on loopback. */
class CloudProjectTokenTest {
  @TempDir Path work;

  @Test
  void projectsAndTokensFromTheCli() throws Exception {
    OperatorConfig config =
        OperatorConfig.defaults(work.resolve("operator"))
            .withApi("127.0.0.1", LoopbackPorts.free())
            .withProxy("127.0.0.1", LoopbackPorts.free());
    try (LocalOperator operator =
        LocalOperator.start(
            new LocalOperator.Settings(config, CloudFixture.RUNTIME, "simulation"))) {
      Account account =
          operator.operator().accounts().createAccount("p@example.test", "a long passphrase");
      String base = "http://127.0.0.1:" + config.apiPort();
      Path conf = work.resolve("conf");
      String token = operator.operator().accounts().createToken(account.id(), "tests").secret();
      MseCli.run(conf, "cloud", "login", "--url", base, "--token", token).succeeded();

      // Projects: the account's default one, a new one, its quotas; a duplicate is one line.
      assertThat(MseCli.run(conf, "cloud", "project", "list").succeeded().out())
          .contains("| default");
      MseCli.Run created =
          MseCli.run(conf, "cloud", "project", "create", "research", "--description", "lab apps")
              .succeeded();
      assertThat(created.out()).contains("created the project research (");
      JsonNode projects =
          Json.MAPPER.readTree(
              MseCli.run(conf, "cloud", "project", "list", "--json").succeeded().out());
      assertThat(projects.findValuesAsString("name")).contains("default", "research");
      MseCli.Run show = MseCli.run(conf, "cloud", "project", "show", "research").succeeded();
      assertThat(show.out())
          .contains("Description: lab apps")
          .contains("of ")
          .contains("live apps");
      JsonNode shown =
          Json.MAPPER.readTree(
              MseCli.run(conf, "cloud", "project", "show", "research", "--json").succeeded().out());
      assertThat(shown.path("project").path("name").asString()).isEqualTo("research");
      assertThat(shown.path("quotas").isArray()).isTrue();
      String id = shown.path("project").path("id").asString();
      assertThat(MseCli.run(conf, "cloud", "project", "show", id).succeeded().out())
          .contains("research");
      MseCli.Run twice = MseCli.run(conf, "cloud", "project", "create", "research").failed();
      assertThat(twice.err().lines()).hasSize(1);
      assertThat(twice.err()).contains("the operator refused").contains("409");
      assertThat(MseCli.run(conf, "cloud", "project", "show", "nope").failed().err())
          .contains("no project nope");

      // Tokens: created with an expiry, printed once and alone on stdout, listed without value.
      MseCli.Run made =
          MseCli.run(conf, "cloud", "token", "create", "ci", "--days", "7").succeeded();
      String ci = made.out().strip();
      assertThat(ci).startsWith("mse_");
      assertThat(made.err()).contains("created the token ci").contains("the token expires at");
      Instant expires = Instant.parse(made.err().replaceAll("(?s).*expires at (\\S+Z).*", "$1"));
      assertThat(Duration.between(Instant.now(), expires))
          .isBetween(Duration.ofDays(6), Duration.ofDays(8));
      MseCli.Run listed = MseCli.run(conf, "cloud", "token", "list").succeeded();
      assertThat(listed.out()).contains("| ci").contains("| tests").doesNotContain(ci);
      JsonNode tokens =
          Json.MAPPER.readTree(
              MseCli.run(conf, "cloud", "token", "list", "--json").succeeded().out());
      String ciId = null;
      for (JsonNode t : tokens) {
        if (t.path("name").asString().equals("ci")) {
          ciId = t.path("id").asString();
        }
      }
      assertThat(ciId).isNotNull();
      assertThat(tokens.toString()).doesNotContain(ci);

      // The new token works from another machine until it is revoked.
      Path ciConf = work.resolve("ci-conf");
      MseCli.run(ciConf, "cloud", "login", "--url", base, "--token", ci).succeeded();
      MseCli.run(ciConf, "cloud", "project", "list").succeeded();
      assertThat(MseCli.run(conf, "cloud", "token", "revoke", ciId).succeeded().out())
          .contains("revoked the token " + ciId);
      assertThat(MseCli.run(ciConf, "cloud", "project", "list").failed().err())
          .contains("refused the login");
      assertThat(MseCli.run(conf, "cloud", "token", "revoke", ciId).failed().err()).contains("404");

      // The operator's limits are the CLI's: one line, non-zero exit.
      MseCli.Run tooLong =
          MseCli.run(conf, "cloud", "token", "create", "long", "--days", "400").failed();
      assertThat(tooLong.err().lines()).hasSize(1);
      assertThat(tooLong.err()).contains("400");
      JsonNode asJson =
          Json.MAPPER.readTree(
              MseCli.run(conf, "cloud", "token", "create", "json", "--json").succeeded().out());
      assertThat(asJson.path("token").asString()).startsWith("mse_");
    }
  }
}
