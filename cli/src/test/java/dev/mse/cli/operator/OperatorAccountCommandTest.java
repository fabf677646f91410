package dev.mse.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.MseCli;
import dev.mse.cli.ServeProcess;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.store.Database;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mse operator account} works while the operator serves (through its admin channel), works
 * on the database of a stopped operator, and never creates a database no operator uses; {@code mse
 * operator serve} refuses an emptied database beside its nodes.
 */
class OperatorAccountCommandTest {
  static final Path RUNTIME = Path.of("..", "enclave", "target", "runtime").toAbsolutePath();

  @TempDir Path work;

  @Test
  void createsAnAccountAndTokenWhileTheOperatorServes() throws Exception {
    Path data = work.resolve("operator");
    // a process of its own, as in production: it holds its H2 database
    ServeProcess serve = ServeProcess.start(work, data, Optional.empty(), 0);
    try {
      MseCli.Run run =
          account("operator", "account", "--data", data.toString(), "--token", "me@example.test")
              .succeeded();
      String[] lines = run.out().strip().split("\n");
      assertThat(lines[0]).startsWith("created me@example.test (");
      HttpResponse<String> me =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(serve.baseUrl() + "/api/v1/users/me"))
                      .header("Authorization", "Bearer " + lines[1])
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.body()).contains("me@example.test");

      // refused as the API would, in one line
      MseCli.Run again =
          account("operator", "account", "--data", data.toString(), "me@example.test").failed();
      assertThat(again.err().strip()).isEqualTo("mse: An account with this email already exists.");
    } finally {
      serve.stop();
    }
  }

  @Test
  void usesTheDatabaseOfAStoppedOperator() throws Exception {
    Path data = work.resolve("operator");
    serve(data).close();
    account("operator", "account", "--data", data.toString(), "later@example.test").succeeded();
    try (LocalOperator operator = serve(data)) {
      assertThat(
              operator
                  .operator()
                  .accounts()
                  .authenticate("127.0.0.1", "later@example.test", PASSWORD))
          .isPresent();
    }
  }

  @Test
  void neverCreatesADatabaseThatNoOperatorUses() {
    Path nowhere = work.resolve("nowhere");
    MseCli.Run run =
        account("operator", "account", "--data", nowhere.toString(), "me@example.test").failed();
    assertThat(run.err().strip())
        .startsWith("mse: no operator serves " + nowhere)
        .doesNotContain("\n");
    assertThat(nowhere).doesNotExist();

    // the default data directory (./mse-operator) is not created either
    Path defaultDir = Path.of("mse-operator").toAbsolutePath();
    assertThat(defaultDir).as("a leftover of an earlier run").doesNotExist();
    account("operator", "account", "me@example.test").failed();
    assertThat(defaultDir).doesNotExist();
  }

  @Test
  void serveRefusesAnEmptiedDatabaseBesideItsNodes() throws Exception {
    Path data = work.resolve("operator");
    Files.createDirectories(data.resolve("nodes").resolve(UUID.randomUUID().toString()));
    Files.createFile(Database.h2DatabaseFile(data));
    MseCli.Run run =
        MseCli.run(
                work.resolve("conf"),
                "operator",
                "serve",
                "--data",
                data.toString(),
                "--runtime",
                RUNTIME.toString(),
                "--tee",
                "simulation",
                "--api-port",
                "0",
                "--proxy-port",
                Integer.toString(LoopbackPorts.free()))
            .failed();
    assertThat(run.err().strip())
        .startsWith("mse: the database is empty but there are 1 node(s) and 0 package(s)")
        .contains(data.resolve("packages").toString())
        .doesNotContain("\n");
  }

  private static final String PASSWORD = "a long enough password";

  private MseCli.Run account(String... args) {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
    try {
      return MseCli.run(work.resolve("conf"), args);
    } finally {
      System.setIn(stdin);
    }
  }

  private static LocalOperator serve(Path data) throws Exception {
    OperatorConfig config =
        OperatorConfig.defaults(data)
            .withApi("127.0.0.1", 0)
            .withProxy("127.0.0.1", LoopbackPorts.free());
    return LocalOperator.start(new LocalOperator.Settings(config, RUNTIME, "simulation"));
  }
}
