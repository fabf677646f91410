package dev.mse.operator.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two operators on one PostgreSQL: a client that reads an app's state through the follower and goes
 * straight to the follower's proxy must find the route there, even when the notification of the
 * leader's change has not reached the follower yet (the race OperatorClusterTest lost at load 20:
 * "initializing" read through the follower, then unrecognized_name from its proxy).
 */
class SharedRouteReadTest {
  @TempDir Path dir;

  @Test
  void readingAnAppThroughAnInstanceBringsItsRouteThere() throws Exception {
    try (TestDatabase pg = TestDatabase.postgres()) {
      RecordingNodeProvider[] nodes = new RecordingNodeProvider[2];
      try (Operator a = start(pg, "a", nodes, 0)) {
        await(a::leads, "a leads");
        try (Operator b = start(pg, "b", nodes, 1)) {
          Account owner = b.accounts().createAccount("owner@example.test", "correct horse battery");
          Deployments.Deployment d = Deployments.selfMode("routed", b.config().appsDomain());
          Path upload = b.apps().uploadDirectory().resolve("upload.tar");
          Files.write(upload, d.packageBytes());
          AppRecord app =
              b.apps()
                  .deploy(owner.id(), new DeployRequest("default", "4g", d.configBytes(), upload));
          UUID id = app.id();
          await(() -> nodes[0].resumed.stream().anyMatch(s -> s.appId().equals(id)), "a starts it");
          nodes[0].report(id, NodeState.RUNNING, Optional.empty());
          await(() -> b.routes().route(app.domain()).isPresent(), "b routes it");

          // b's table lags the database, as when the notification is still on its way
          ((AppRouteTable) b.routes()).update(id, Optional.empty(), x -> Optional.empty());
          assertThat(b.routes().route(app.domain())).isEmpty();

          assertThat(b.apps().get(owner.id(), id).status()).isEqualTo(AppStatus.RUNNING);
          assertThat(b.routes().route(app.domain())).isPresent();
          assertThat(b.routes().route(AppRouteTable.enclaveDomain(id, b.config().appsDomain())))
              .isPresent();
        }
      }
    }
  }

  private Operator start(TestDatabase pg, String name, RecordingNodeProvider[] nodes, int i)
      throws Exception {
    OperatorConfig config =
        OperatorConfig.defaults(dir.resolve(name))
            .withDatabaseUrl(pg.url())
            .withApi("127.0.0.1", 0)
            .withCluster(new OperatorConfig.Cluster(true, false));
    return Operator.start(
        config,
        listener -> {
          nodes[i] = new RecordingNodeProvider(listener);
          return nodes[i];
        });
  }

  private static void await(BooleanSupplier condition, String what) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }
}
