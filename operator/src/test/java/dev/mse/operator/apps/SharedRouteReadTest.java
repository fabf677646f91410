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
 * A client that reads an app's state and goes straight to the proxy must find the route there: with
 * two operators on one PostgreSQL, even when the notification of the leader's change has not
 * reached the follower yet (the race OperatorClusterTest lost at load 20: "initializing" read
 * through the follower, then unrecognized_name from its proxy); with one, even when the route lags
 * the state's write (the race RealAppsTest lost in CI).
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

  /**
   * One operator: the node's new state is written, then its route added, by the same thread; a
   * client that reads the state in between (a loaded machine holds that thread) must find the route
   * at the proxy all the same.
   */
  @Test
  void readingAnInitializingAppOfASingleOperatorBringsItsRoute() throws Exception {
    try (TestDatabase h2 = TestDatabase.h2(dir.resolve("h2"))) {
      RecordingNodeProvider[] nodes = new RecordingNodeProvider[1];
      OperatorConfig config =
          OperatorConfig.defaults(dir.resolve("single"))
              .withDatabaseUrl(h2.url())
              .withApi("127.0.0.1", 0);
      try (Operator op =
          Operator.start(
              config,
              listener -> {
                nodes[0] = new RecordingNodeProvider(listener);
                return nodes[0];
              })) {
        Account owner = op.accounts().createAccount("owner@example.test", "correct horse battery");
        Deployments.Deployment d = Deployments.selfMode("single", op.config().appsDomain());
        Path upload = op.apps().uploadDirectory().resolve("upload.tar");
        Files.write(upload, d.packageBytes());
        AppRecord app =
            op.apps()
                .deploy(owner.id(), new DeployRequest("default", "4g", d.configBytes(), upload));
        UUID id = app.id();
        nodes[0].report(id, NodeState.WAITING, Optional.empty());
        String enclave = AppRouteTable.enclaveDomain(id, op.config().appsDomain());
        await(() -> op.routes().route(enclave).isPresent(), "the enclave name is routed");

        // the state written, the route not yet: as between the two on a loaded machine
        ((AppRouteTable) op.routes()).update(id, Optional.empty(), x -> Optional.empty());
        assertThat(op.routes().route(enclave)).isEmpty();

        assertThat(op.apps().get(owner.id(), id).status()).isEqualTo(AppStatus.INITIALIZING);
        assertThat(op.routes().route(enclave)).isPresent();
        assertThat(op.routes().route(app.domain())).isPresent();
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
