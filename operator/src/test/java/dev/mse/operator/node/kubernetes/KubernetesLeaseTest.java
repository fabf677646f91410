package dev.mse.operator.node.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mse.operator.cluster.LeaderLease;
import dev.mse.operator.node.NodeLease;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.store.Database;
import dev.mse.operator.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only the leader re-creates a crashed node's pod: two providers on fabric8's Kubernetes mock
 * server (CRUD mode, the test plays the kubelet), each asking a real {@link LeaderLease} on the
 * PostgreSQL of this machine, fenced as the operator fences its writes. The first leads and makes
 * the next pod after a crash; once the second took the lease, the first, not yet aware of it (it
 * never checks its lease here, as if paused), makes nothing after the next crash and lets the node
 * go, and the new leader makes the next generation when it resumes the node.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesLeaseTest {
  static final String NS = KubernetesNodeProviderTest.NS;
  static final java.util.logging.Logger MOCK_LOG = MockServerLogs.quiet();

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  record Event(String provider, UUID app, NodeState state) {}

  final List<Event> events = new CopyOnWriteArrayList<>();

  @Test
  void anExLeaderDoesNotMakeACrashedNodesPodAgain() throws Exception {
    try (TestDatabase pg = TestDatabase.postgres();
        Database db = Database.open(pg.url());
        LeaderLease a = new LeaderLease(pg.url(), "a");
        LeaderLease b = new LeaderLease(pg.url(), "b")) {
      long epochA = a.tryAcquire().orElseThrow();
      AtomicInteger refusedA = new AtomicInteger();
      KubernetesNodeProvider first = provider("a", fenced(db, epochA, refusedA));
      KubernetesNodeProvider second = null;
      try {
        NodeSpec spec = spec();
        UUID id = spec.appId();
        first.start(spec);
        String gen0 = NodeObjects.podName(id, 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> pod(gen0) != null);
        kubelet().running(gen0, true, "10.0.0.1");
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> states("a", id).contains(NodeState.RUNNING));

        // the leader makes the next generation after a crash
        kubelet().failed(gen0, 1);
        String gen1 = NodeObjects.podName(id, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> pod(gen1) != null);
        kubelet().running(gen1, true, "10.0.0.2");
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> states("a", id).stream().filter(s -> s == NodeState.RUNNING).count() == 2);

        // b takes the lease while a, paused, still follows the node; the pod crashes again
        a.close();
        long epochB = b.tryAcquire().orElseThrow();
        assertThat(epochB).isGreaterThan(epochA);
        kubelet().failed(gen1, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> refusedA.get() > 0);
        String gen2 = NodeObjects.podName(id, 2);
        assertThat(pod(gen2)).isNull();
        assertThat(pod(gen1)).isNotNull();
        assertThat(states("a", id)).doesNotContain(NodeState.FAILED);

        // the new leader resumes the node: it makes the next generation itself
        second = provider("b", fenced(db, epochB, new AtomicInteger()));
        second.resume(spec);
        await().atMost(Duration.ofSeconds(20)).until(() -> pod(gen2) != null);
        assertThat(pod(gen1)).isNull();
        kubelet().running(gen2, true, "10.0.0.3");
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> states("b", id).contains(NodeState.RUNNING));
        assertThat(second.address(id).orElseThrow().enclave().getHostString())
            .isEqualTo("10.0.0.3");
        assertThat(pod(NodeObjects.podName(id, 3))).isNull();
      } finally {
        first.close();
        if (second != null) {
          second.close();
        }
      }
    }
  }

  /** What the operator's {@code ClusterMember} does: the action in a fenced transaction. */
  private static NodeLease fenced(Database db, long epoch, AtomicInteger refused) {
    return action -> {
      try {
        db.inTransaction(
            c -> {
              LeaderLease.fence(c, epoch);
              action.run();
              return null;
            });
        return true;
      } catch (LeaderLease.LostException e) {
        refused.incrementAndGet();
        return false;
      }
    };
  }

  private KubernetesNodeProvider provider(String name, NodeLease lease) {
    KubernetesNodeProvider p =
        new KubernetesNodeProvider(
            client,
            KubernetesNodeProviderTest.settings(5),
            2000,
            (app, state, failure) -> events.add(new Event(name, app, state)));
    p.leaseWith(lease);
    return p;
  }

  private List<NodeState> states(String provider, UUID app) {
    return events.stream()
        .filter(e -> e.provider().equals(provider) && e.app().equals(app))
        .map(Event::state)
        .toList();
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  /** The kubelet's part, as the provider's own test plays it. */
  private KubernetesNodeProviderTest kubelet() {
    KubernetesNodeProviderTest k = new KubernetesNodeProviderTest();
    k.client = client;
    return k;
  }

  private NodeSpec spec() throws Exception {
    UUID id = UUID.randomUUID();
    Path file = dir.resolve(id + ".tar");
    Files.write(file, KubernetesNodeProviderTest.randomBytes(1000));
    return new NodeSpec(
        id,
        ("{\"app_id\":\"" + id + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8),
        file,
        1024,
        2,
        Instant.now().plus(Duration.ofDays(1)),
        Optional.of(UUID.randomUUID()),
        Optional.of("4g"));
  }
}
