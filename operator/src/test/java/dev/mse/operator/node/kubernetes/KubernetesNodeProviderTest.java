package dev.mse.operator.node.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes provider against fabric8's Kubernetes mock server in CRUD mode: an imitation of
 * the API (objects stored and watched), with no scheduler, kubelet or runtime behind it. The test
 * plays the kubelet's part by writing the pods' status; the provider learns it from its watch.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesNodeProviderTest {
  static final String NS = "mse-apps";

  /** The mock server logs every request at INFO through java.util.logging. */
  static final java.util.logging.Logger MOCK_LOG = MockServerLogs.quiet();

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  record Event(UUID app, NodeState state, Optional<String> failure) {}

  final List<Event> events = new CopyOnWriteArrayList<>();
  final NodeListener listener = (app, state, failure) -> events.add(new Event(app, state, failure));
  KubernetesNodeProvider provider;

  static OperatorConfig.Kubernetes settings(int maxRestarts) {
    return new OperatorConfig.Kubernetes(
        NS,
        Optional.empty(),
        "simulation",
        Map.of("simulation", "mse-runtime:test"),
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        64,
        Map.of("app.kubernetes.io/name", "mse-operator"),
        10001,
        maxRestarts);
  }

  @BeforeEach
  void start() {
    provider = new KubernetesNodeProvider(client, settings(1), 2000, listener);
  }

  @AfterEach
  void close() {
    provider.close();
  }

  NodeSpec spec(byte[] pkg) throws Exception {
    UUID id = UUID.randomUUID();
    Path file = dir.resolve(id + ".tar");
    Files.write(file, pkg);
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

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  /** The kubelet's part: the pod runs (ready or not) with an address. */
  void running(String name, boolean ready, String ip) {
    client
        .pods()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            p -> {
              status(p).setPhase("Running");
              p.getStatus().setPodIP(ip);
              p.getStatus()
                  .setConditions(
                      List.of(
                          new PodConditionBuilder()
                              .withType("Ready")
                              .withStatus(ready ? "True" : "False")
                              .build()));
              return p;
            });
  }

  /** The kubelet's part: the runtime exited. */
  void failed(String name, int exitCode) {
    client
        .pods()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            p -> {
              status(p).setPhase("Failed");
              p.getStatus()
                  .setContainerStatuses(
                      List.of(
                          new ContainerStatusBuilder()
                              .withName("runtime")
                              .withNewState()
                              .withNewTerminated()
                              .withExitCode(exitCode)
                              .withReason("Error")
                              .endTerminated()
                              .endState()
                              .build()));
              return p;
            });
  }

  static io.fabric8.kubernetes.api.model.PodStatus status(Pod p) {
    if (p.getStatus() == null) {
      p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
    }
    return p.getStatus();
  }

  List<NodeState> states(UUID app) {
    return events.stream().filter(e -> e.app().equals(app)).map(Event::state).toList();
  }

  int objectsOf(UUID app) {
    String id = app.toString();
    return client
            .pods()
            .inNamespace(NS)
            .withLabel(NodeObjects.APP_LABEL, id)
            .list()
            .getItems()
            .size()
        + client
            .configMaps()
            .inNamespace(NS)
            .withLabel(NodeObjects.APP_LABEL, id)
            .list()
            .getItems()
            .size()
        + client
            .persistentVolumeClaims()
            .inNamespace(NS)
            .withLabel(NodeObjects.APP_LABEL, id)
            .list()
            .getItems()
            .size()
        + client
            .network()
            .networkPolicies()
            .inNamespace(NS)
            .withLabel(NodeObjects.APP_LABEL, id)
            .list()
            .getItems()
            .size();
  }

  @Test
  void startMakesTheNodesObjectsAndReportsWhatTheWatchSees() throws Exception {
    byte[] pkg = randomBytes(2 * NodeObjects.CHUNK_BYTES + 100);
    NodeSpec spec = spec(pkg);
    provider.start(spec);
    String name = NodeObjects.podName(spec.appId(), 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> pod(name) != null);

    // the package, put together again from its chunks, is the file the operator holds
    byte[] joined = new byte[0];
    for (int i = 0; i < 3; i++) {
      ConfigMap chunk =
          client
              .configMaps()
              .inNamespace(NS)
              .withName(NodeObjects.chunkName(spec.appId(), i))
              .get();
      byte[] part = Base64.getDecoder().decode(chunk.getBinaryData().get("part"));
      joined = concat(joined, part);
    }
    assertThat(joined).isEqualTo(pkg);
    ConfigMap anchor =
        client.configMaps().inNamespace(NS).withName(NodeObjects.anchorName(spec.appId())).get();
    assertThat(Base64.getDecoder().decode(anchor.getBinaryData().get("deployment.json")))
        .isEqualTo(spec.deploymentConfig());
    assertThat(pod(name).getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo(anchor.getMetadata().getName()));
    assertThat(
            client
                .network()
                .networkPolicies()
                .inNamespace(NS)
                .withName(NodeObjects.anchorName(spec.appId()))
                .get())
        .isNotNull();
    assertThat(
            client
                .persistentVolumeClaims()
                .inNamespace(NS)
                .withName(NodeObjects.volumeName(spec.appId()))
                .get())
        .isNotNull();
    assertThat(provider.address(spec.appId())).isEmpty();

    running(name, false, "10.1.2.3");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(spec.appId()).contains(NodeState.WAITING));
    assertThat(provider.address(spec.appId()))
        .hasValueSatisfying(
            a -> {
              assertThat(a.enclave().getHostString()).isEqualTo("10.1.2.3");
              assertThat(a.enclave().getPort()).isEqualTo(NodeObjects.ENCLAVE_PORT);
              assertThat(a.app().getPort()).isEqualTo(NodeObjects.APP_PORT);
            });
    running(name, true, "10.1.2.3");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(spec.appId()).contains(NodeState.RUNNING));
    // once served, the node is marked as holding its seal
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> provider.findNodes().contains(new FoundNode(spec.appId(), true, true)));
    assertThat(states(spec.appId())).containsExactly(NodeState.WAITING, NodeState.RUNNING);
  }

  @Test
  void aCrashedPodIsMadeAgainUntilTheRestartsRunOutThenEverythingGoes() throws Exception {
    NodeSpec spec = spec(randomBytes(1000));
    provider.start(spec);
    String first = NodeObjects.podName(spec.appId(), 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> pod(first) != null);
    running(first, true, "10.1.2.3");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(spec.appId()).contains(NodeState.RUNNING));

    failed(first, 137);
    String second = NodeObjects.podName(spec.appId(), 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> pod(second) != null);
    assertThat(pod(first)).isNull();
    // the same sealed-state volume: the new pod serves without its owner
    assertThat(
            pod(second).getSpec().getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null)
                .map(v -> v.getPersistentVolumeClaim().getClaimName()))
        .containsExactly(NodeObjects.volumeName(spec.appId()));
    assertThat(states(spec.appId())).containsExactly(NodeState.RUNNING, NodeState.SPAWNING);
    assertThat(provider.address(spec.appId())).isEmpty();
    running(second, true, "10.9.9.9");
    await().atMost(Duration.ofSeconds(20)).until(() -> states(spec.appId()).size() == 3);
    assertThat(provider.address(spec.appId()).orElseThrow().app().getHostString())
        .isEqualTo("10.9.9.9");

    failed(second, 1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(spec.appId()).contains(NodeState.FAILED));
    Event failure = events.getLast();
    assertThat(failure.failure())
        .hasValueSatisfying(f -> assertThat(f).contains("stopped 2 times", "exited with code 1"));
    await().atMost(Duration.ofSeconds(20)).until(() -> objectsOf(spec.appId()) == 0);
    assertThat(provider.logTail(spec.appId(), 64 * 1024))
        .contains("ended: the runtime exited with code 137", "restarting the node (1 of 1)");
  }

  @Test
  void stopDeletesEverythingTheNodeOwnedAndReportsStopped() throws Exception {
    NodeSpec spec = spec(randomBytes(NodeObjects.CHUNK_BYTES + 1));
    provider.start(spec);
    String name = NodeObjects.podName(spec.appId(), 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> pod(name) != null);
    assertThat(objectsOf(spec.appId())).isEqualTo(6); // pod, anchor, 2 chunks, volume, policy
    running(name, true, "10.1.2.3");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(spec.appId()).contains(NodeState.RUNNING));

    provider.stop(spec.appId());
    assertThat(objectsOf(spec.appId())).isZero();
    assertThat(states(spec.appId())).endsWith(NodeState.STOPPED);
    assertThat(provider.address(spec.appId())).isEmpty();
    assertThat(provider.findNodes()).isEmpty();
    assertThat(provider.logTail(spec.appId(), 4096)).contains("--- mse operator: stopped");
  }

  @Test
  void aNewProviderReattachesToARunningPodAndRemakesOneThatEndedMeanwhile() throws Exception {
    NodeSpec kept = spec(randomBytes(500));
    NodeSpec crashed = spec(randomBytes(500));
    provider.start(kept);
    provider.start(crashed);
    String keptPod = NodeObjects.podName(kept.appId(), 0);
    String crashedPod = NodeObjects.podName(crashed.appId(), 0);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> pod(keptPod) != null && pod(crashedPod) != null);
    running(keptPod, true, "10.0.0.1");
    running(crashedPod, true, "10.0.0.2");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                states(kept.appId()).contains(NodeState.RUNNING)
                    && states(crashed.appId()).contains(NodeState.RUNNING));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> provider.findNodes().stream().allMatch(FoundNode::sealedState));

    // the operator goes; its pods do not
    provider.close();
    failed(crashedPod, 137);
    events.clear();

    provider = new KubernetesNodeProvider(client, settings(1), 2000, listener);
    assertThat(provider.findNodes())
        .containsExactlyInAnyOrder(
            new FoundNode(kept.appId(), true, true), new FoundNode(crashed.appId(), false, true));
    provider.resume(kept);
    provider.resume(crashed);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(kept.appId()).contains(NodeState.RUNNING));
    assertThat(pod(keptPod)).isNotNull();
    assertThat(provider.address(kept.appId()).orElseThrow().app().getHostString())
        .isEqualTo("10.0.0.1");

    String remade = NodeObjects.podName(crashed.appId(), 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> pod(remade) != null);
    assertThat(pod(crashedPod)).isNull();
    running(remade, true, "10.0.0.3");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(crashed.appId()).contains(NodeState.RUNNING));
    assertThat(provider.address(crashed.appId()).orElseThrow().app().getHostString())
        .isEqualTo("10.0.0.3");
  }

  @Test
  void aPodThatCannotStartFailsTheAppAtOnce() throws Exception {
    NodeSpec spec = spec(randomBytes(10));
    provider.start(spec);
    String name = NodeObjects.podName(spec.appId(), 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> pod(name) != null);
    client
        .pods()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            p -> {
              status(p).setPhase("Pending");
              p.getStatus()
                  .setContainerStatuses(
                      List.of(
                          new ContainerStatusBuilder()
                              .withName("runtime")
                              .withNewState()
                              .withNewWaiting()
                              .withReason("InvalidImageName")
                              .endWaiting()
                              .endState()
                              .build()));
              return p;
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(spec.appId()).contains(NodeState.FAILED));
    assertThat(events.getLast().failure())
        .hasValueSatisfying(f -> assertThat(f).contains("InvalidImageName"));
    await().atMost(Duration.ofSeconds(20)).until(() -> objectsOf(spec.appId()) == 0);
  }

  @Test
  void logsComeFromThePodThroughTheApiAfterWhatEarlierPodsWrote() throws Exception {
    NodeSpec spec = spec(randomBytes(10));
    String first = NodeObjects.podName(spec.appId(), 0);
    String second = NodeObjects.podName(spec.appId(), 1);
    // the mock serves pods/log only as the test says (a CRUD store has no container output)
    for (String pod : List.of(first, second)) {
      server
          .expect()
          .get()
          .withPath(
              "/api/v1/namespaces/"
                  + NS
                  + "/pods/"
                  + pod
                  + "/log?pretty=false&container=runtime&limitBytes="
                  + KubernetesNodeProvider.KEPT_LOG_BYTES)
          .andReturn(200, "output of " + pod + "\n")
          .always();
      server
          .expect()
          .get()
          .withPath(
              "/api/v1/namespaces/"
                  + NS
                  + "/pods/"
                  + pod
                  + "/log?pretty=false&container=runtime&limitBytes=4096")
          .andReturn(200, "output of " + pod + "\n")
          .always();
    }
    provider.start(spec);
    await().atMost(Duration.ofSeconds(20)).until(() -> pod(first) != null);
    assertThat(provider.logTail(spec.appId(), 4096)).isEqualTo("output of " + first + "\n");

    failed(first, 3);
    await().atMost(Duration.ofSeconds(20)).until(() -> pod(second) != null);
    assertThat(provider.logTail(spec.appId(), 4096))
        .startsWith("output of " + first + "\n--- mse operator: pod " + first + " ended")
        .contains("restarting the node (1 of 1)")
        .endsWith("output of " + second + "\n");
  }

  @Test
  void discardRemovesANodeNoAppOwns() throws Exception {
    NodeSpec spec = spec(randomBytes(10));
    provider.start(spec);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> pod(NodeObjects.podName(spec.appId(), 0)) != null);
    provider.discard(spec.appId());
    assertThat(objectsOf(spec.appId())).isZero();
    assertThat(states(spec.appId())).isEmpty();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
