package dev.mse.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.apps.AppMetrics;
import dev.mse.operator.apps.DeployRequest;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.proxy.Route;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two operators in one JVM on one PostgreSQL schema, each with a node provider that runs nothing
 * (the test plays the nodes): the follower's deployment is started by the leader, its address
 * reaches the follower's routes, and once the leader lost its lease its nodes' reports are no
 * longer recorded while the new leader adopts the node.
 */
class ClusterMemberTest {
  @TempDir Path dir;

  @Test
  void nodesAreTheLeadersRoutesEveryonesAndAnExLeaderIsFenced() throws Exception {
    try (TestDatabase pg = TestDatabase.postgres()) {
      RecordingNodeProvider[] nodes = new RecordingNodeProvider[2];
      try (Operator a = start(pg, "a", nodes, 0)) {
        await(a::leads, "a leads");
        try (Operator b = start(pg, "b", nodes, 1)) {
          assertThat(b.leads()).isFalse();
          Account owner = b.accounts().createAccount("owner@example.test", "correct horse battery");
          Deployments.Deployment d = Deployments.selfMode("shared", b.config().appsDomain());
          Path upload = b.apps().uploadDirectory().resolve("upload.tar");
          Files.write(upload, d.packageBytes());

          AppRecord app =
              b.apps()
                  .deploy(owner.id(), new DeployRequest("default", "4g", d.configBytes(), upload));
          UUID id = app.id();
          await(() -> nodes[0].resumed.stream().anyMatch(s -> s.appId().equals(id)), "a starts it");
          assertThat(nodes[1].started).isEmpty();
          assertThat(nodes[1].resumed).isEmpty();

          nodes[0].report(id, NodeState.RUNNING, Optional.empty());
          await(() -> b.routes().route(app.domain()).isPresent(), "b routes it");
          Route route = b.routes().route(app.domain()).orElseThrow();
          assertThat(route.node().getPort())
              .isEqualTo(nodes[0].address(id).orElseThrow().app().getPort());
          assertThat(a.routes().route(app.domain())).isPresent();

          // the follower shows the counters of the leader's node (published periodically)
          assertThat(b.apps().metrics(owner.id(), id).requests()).isZero();
          nodes[0].metrics.put(id, new NodeMetrics(42, 3.5, 2, 1.25, 1 << 20, 1 << 19));
          await(() -> requests(b, owner, id) == 42, "b shows a's metrics");
          AppMetrics seen = b.apps().metrics(owner.id(), id);
          assertThat(seen.averageLatencyMs()).isEqualTo(3.5);
          assertThat(seen.cpuSeconds()).isEqualTo(1.25);
          assertThat(seen.heapMaxBytes()).isEqualTo(1 << 20);
          assertThat(b.apps().liveMetrics().get(id).requests()).isEqualTo(42);
          // and where it listens (the console asks its enclave for evidence)
          assertThat(b.apps().nodeAddress(b.apps().get(owner.id(), id)).orElseThrow().enclave())
              .extracting(java.net.InetSocketAddress::getPort)
              .isEqualTo(nodes[0].address(id).orElseThrow().enclave().getPort());

          // one host: b finds the node a started
          nodes[1].onHost.add(new FoundNode(id, true, true));
          // a loses its lock (its session ended) and b takes over; a's node reports go nowhere
          while (!b.leads()) {
            endLeaseSessions(pg);
            Thread.sleep(300);
          }
          await(() -> nodes[1].resumed.stream().anyMatch(s -> s.appId().equals(id)), "b adopts it");
          nodes[0].report(id, NodeState.FAILED, Optional.of("a paused ex-leader's node"));
          assertThat(b.apps().get(owner.id(), id).status()).isEqualTo(AppStatus.RUNNING);

          // a finds out at its next lease check (until then it would still act on its nodes)
          await(() -> !a.leads(), "a knows it no longer leads");
          // stopped through a, the follower now: b stops the node
          a.apps().stop(owner.id(), id);
          await(() -> nodes[1].stopped.contains(id), "b stops the node");
          await(() -> b.routes().route(app.domain()).isEmpty(), "b no longer routes it");
          assertThat(nodes[0].stopped).doesNotContain(id);
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

  private static long requests(Operator o, Account owner, UUID id) {
    try {
      return o.apps().metrics(owner.id(), id).requests();
    } catch (dev.mse.operator.OperatorException e) {
      throw new AssertionError(e);
    }
  }

  private static void endLeaseSessions(TestDatabase pg) throws Exception {
    try (Connection c = DriverManager.getConnection(pg.url());
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND"
              + " objid = 'cluster_lease'::regclass::oid");
    }
  }

  private static void await(BooleanSupplier condition, String what) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
