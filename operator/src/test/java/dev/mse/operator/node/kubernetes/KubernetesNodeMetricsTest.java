package dev.mse.operator.node.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.node.runtime.ProcessStopper;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.operator.node.runtime.RuntimeMemory;
import dev.mse.operator.testing.Deployments;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes provider reads each pod's runtime status as the local provider reads its
 * processes': the pod's runtime is the real one (the distribution the {@code enclave} module
 * builds, in the simulated TEE) started on loopback by the test, which plays the kubelet on
 * fabric8's mock server (CRUD mode) and gives the pod the address 127.0.0.1; the provider reads the
 * status over RA-TLS held to the app's deployment config and reports the memory the app gets.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(180)
class KubernetesNodeMetricsTest {
  private static final Path RUNTIME =
      Path.of("..", "enclave", "target", "runtime").toAbsolutePath();

  static final java.util.logging.Logger MOCK_LOG = MockServerLogs.quiet();

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  @Test
  void thePodsRuntimeStatusFillsTheNodesMetrics() throws Exception {
    assertThat(RUNTIME.resolve("mse-enclave.jar"))
        .as("the runtime distribution (./mvnw -pl enclave -am package -DskipTests)")
        .exists();
    Deployments.Deployment d = Deployments.selfMode("metrics", "apps.test");
    UUID id = d.appId();
    Path pkg = dir.resolve("package.tar");
    int enclavePort = LoopbackPorts.free();
    Process runtime = startRuntime(d, enclavePort);
    List<NodeState> states = new CopyOnWriteArrayList<>();
    KubernetesNodeProvider.StatusReading reading =
        new KubernetesNodeProvider.StatusReading(
            KubernetesNodeProvider.StatusReading.defaults("simulation").policy(),
            Optional.empty(),
            dir.resolve("collateral-cache"),
            enclavePort);
    try (var closing = new Closing(runtime)) {
      KubernetesNodeProvider provider =
          provider(reading, (app, state, failure) -> states.add(state));
      try {
        String pod = NodeObjects.podName(id, 0);
        // metrics-server's part: the pod uses half a core
        server
            .expect()
            .get()
            .withPath(
                "/apis/metrics.k8s.io/v1beta1/namespaces/"
                    + KubernetesNodeProviderTest.NS
                    + "/pods/"
                    + pod)
            .andReturn(
                200,
                new PodMetricsBuilder()
                    .withNewMetadata()
                    .withName(pod)
                    .withNamespace(KubernetesNodeProviderTest.NS)
                    .endMetadata()
                    .withContainers(
                        new ContainerMetricsBuilder()
                            .withName("runtime")
                            .withUsage(Map.of("cpu", new Quantity("500m")))
                            .build())
                    .build())
            .always();
        long started = System.nanoTime();
        provider.start(new NodeSpec(id, d.configBytes(), pkg, 1024, 1, d.config().expires()));
        awaitPodMade(pod);
        assertThat(provider.metrics(id)).isEqualTo(NodeMetrics.NONE);

        podRunsNotReady(pod);
        await().atMost(Duration.ofSeconds(20)).until(() -> states.contains(NodeState.WAITING));

        // read from the runtime's status within a few periods: the memory its JVM gives the app
        RuntimeMemory split = RuntimeMemory.of(1024);
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> provider.metrics(id).heapMaxBytes() > 0);
        NodeMetrics m = provider.metrics(id);
        assertThat(m.heapMaxBytes()).isLessThanOrEqualTo(split.heapMb() * 1024L * 1024);
        assertThat(m.directMaxBytes()).isEqualTo(split.directMb() * 1024L * 1024);

        // CPU time: half a core over the time between two measures a period apart
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> provider.metrics(id).cpuSeconds() > 0);
        double elapsed = (System.nanoTime() - started) / 1e9;
        // in cores, not millicores: at most half of the time since the pod was made
        assertThat(provider.metrics(id).cpuSeconds()).isLessThanOrEqualTo(0.5 * elapsed);

        // a stopped node reports nothing
        provider.stop(id);
        assertThat(provider.metrics(id)).isEqualTo(NodeMetrics.NONE);
      } finally {
        provider.close();
      }
    }
  }

  /**
   * Evidence the node policy refuses (here an MRENCLAVE pinned to another value) fails the app with
   * the reason, as the local provider does, although the pod itself runs: the pod's readiness is
   * the kubelet's word, the evidence is the TEE's.
   */
  @Test
  void evidenceThePolicyRefusesFailsTheAppWithTheReason() throws Exception {
    Deployments.Deployment d = Deployments.selfMode("refused", "apps.test");
    UUID id = d.appId();
    int enclavePort = LoopbackPorts.free();
    Process runtime = startRuntime(d, enclavePort);
    AppraisalPolicy any = AppraisalPolicy.defaults();
    AppraisalPolicy pinned =
        new AppraisalPolicy(
            new AppraisalPolicy.Sgx(
                List.of(ByteString.of(new byte[32])),
                List.of(),
                OptionalInt.empty(),
                OptionalInt.empty()),
            any.tdx(),
            any.snp(),
            any.nitro(),
            any.acceptedStatuses(),
            any.acceptedAdvisories(),
            any.gracePeriod(),
            any.allowDebug(),
            any.allowSimulation());
    List<NodeState> states = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    KubernetesNodeProvider.StatusReading reading =
        new KubernetesNodeProvider.StatusReading(
            pinned, Optional.empty(), dir.resolve("collateral-cache"), enclavePort);
    try (var closing = new Closing(runtime)) {
      KubernetesNodeProvider provider =
          provider(
              reading,
              (app, state, failure) -> {
                states.add(state);
                failure.ifPresent(failures::add);
              });
      try {
        String pod = NodeObjects.podName(id, 0);
        provider.start(
            new NodeSpec(
                id, d.configBytes(), dir.resolve("package.tar"), 1024, 1, d.config().expires()));
        awaitPodMade(pod);
        podRunsNotReady(pod);

        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> states.contains(NodeState.FAILED));
        assertThat(failures)
            .anySatisfy(
                f ->
                    assertThat(f)
                        .contains("the node's evidence does not verify")
                        .contains("MRENCLAVE"));
        // everything the node owned goes, as for any failed node
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    client.pods().inNamespace(KubernetesNodeProviderTest.NS).withName(pod).get()
                        == null);
        assertThat(provider.metrics(id)).isEqualTo(NodeMetrics.NONE);
      } finally {
        provider.close();
      }
    }
  }

  /** The pod's runtime, as the kubelet would start it, on loopback. */
  private Process startRuntime(Deployments.Deployment d, int enclavePort) throws Exception {
    assertThat(RUNTIME.resolve("mse-enclave.jar"))
        .as("the runtime distribution (./mvnw -pl enclave -am package -DskipTests)")
        .exists();
    Path config = Files.write(dir.resolve("deployment.json"), d.configBytes());
    Path pkg = Files.write(dir.resolve("package.tar"), d.packageBytes());
    for (String sub : List.of("state", "secrets", "data", "home")) {
      Files.createDirectories(dir.resolve(sub));
    }
    return new RuntimeLaunch(
            RUNTIME,
            config,
            pkg,
            "127.0.0.1",
            enclavePort,
            LoopbackPorts.free(),
            dir.resolve("state"),
            dir.resolve("secrets"),
            dir.resolve("data"),
            "simulation",
            1024,
            5,
            dir.resolve("home"),
            dir.resolve("runtime.log"),
            0)
        .start("the pod's runtime");
  }

  /** The provider under test, on the mock server, one restart allowed. */
  private KubernetesNodeProvider provider(
      KubernetesNodeProvider.StatusReading reading, NodeListener listener) {
    return new KubernetesNodeProvider(
        client, KubernetesNodeProviderTest.settings(1), 2000, reading, listener);
  }

  /** The provider made the pod (the API server has it). */
  private void awaitPodMade(String pod) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                client.pods().inNamespace(KubernetesNodeProviderTest.NS).withName(pod).get()
                    != null);
  }

  /** The kubelet's part: the pod runs at 127.0.0.1, not ready (its runtime waits for its owner). */
  private void podRunsNotReady(String pod) {
    client
        .pods()
        .inNamespace(KubernetesNodeProviderTest.NS)
        .withName(pod)
        .editStatus(
            p -> {
              KubernetesNodeProviderTest.status(p).setPhase("Running");
              p.getStatus().setPodIP("127.0.0.1");
              p.getStatus()
                  .setConditions(
                      List.of(
                          new PodConditionBuilder().withType("Ready").withStatus("False").build()));
              return p;
            });
  }

  /** Ends the runtime the test started, as the operator stops one. */
  private record Closing(Process process) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      ProcessStopper.stop(process.toHandle());
    }
  }
}
