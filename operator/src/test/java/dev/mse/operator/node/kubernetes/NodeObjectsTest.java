package dev.mse.operator.node.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.runtime.RuntimeMemory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The shape of a node's objects, per TEE kind and offer. */
class NodeObjectsTest {
  static final UUID APP = UUID.fromString("0b6f4d5e-1111-4222-8333-944455556666");
  static final UUID PROJECT = UUID.fromString("7c000000-1111-4222-8333-944455556666");

  static OperatorConfig.Kubernetes settings(String tee, Map<String, String> classes) {
    return new OperatorConfig.Kubernetes(
        "mse",
        Optional.empty(),
        tee,
        Map.of(tee, "img-" + tee),
        Optional.of("kata-qemu-tdx"),
        classes,
        Optional.of("fast"),
        256,
        Map.of("app.kubernetes.io/name", "mse-operator"),
        10001,
        3);
  }

  static NodeObjects objects(String tee, String offer) {
    NodeSpec spec =
        new NodeSpec(
            APP,
            "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Path.of("/nonexistent.tar"),
            2048,
            4,
            Instant.parse("2030-01-01T00:00:00Z"),
            Optional.of(PROJECT),
            Optional.of(offer));
    return new NodeObjects(settings(tee, Map.of("8g", "kata-qemu-snp")), spec, 500);
  }

  static ConfigMap owner() {
    ConfigMap anchor = objects("simulation", "4g").anchor();
    anchor.getMetadata().setUid("uid-1");
    return anchor;
  }

  @Test
  void aSimulatedPodIsConfinedAndSizedByItsOffer() {
    Pod pod = objects("simulation", "4g").pod(2, 3, owner());
    assertThat(pod.getMetadata().getName()).isEqualTo("mse-" + APP + "-2");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(NodeObjects.APP_LABEL, APP.toString())
        .containsEntry(NodeObjects.PROJECT_LABEL, PROJECT.toString())
        .containsEntry(NodeObjects.TEE_LABEL, "simulation")
        .containsEntry(NodeObjects.OFFER_LABEL, "4g")
        .containsEntry(NodeObjects.MANAGED_BY, NodeObjects.MANAGER);
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("ConfigMap");
              assertThat(o.getUid()).isEqualTo("uid-1");
            });
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    // offers without a runtime class of their own take the default
    assertThat(pod.getSpec().getRuntimeClassName()).isEqualTo("kata-qemu-tdx");

    Container runtime = pod.getSpec().getContainers().getFirst();
    assertThat(runtime.getImage()).isEqualTo("img-simulation");
    assertThat(runtime.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(runtime.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(runtime.getArgs())
        .containsSubsequence("--tee", "simulation")
        .containsSubsequence("--port", "7443")
        .containsSubsequence("--app-port", "8443")
        .containsSubsequence("--state-dir", "/mse/state");
    assertThat(runtime.getResources().getLimits())
        .containsEntry("memory", new Quantity("2048Mi"))
        .containsEntry("cpu", new Quantity("4"))
        .doesNotContainKey("sgx.intel.com/epc");
    String jvm =
        runtime.getEnv().stream()
            .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertThat(jvm)
        .contains(RuntimeMemory.of(2048).options())
        .contains("-Dmse.front.connectionsPerSource=500");
    // the secrets on memory, the sealed state on the node's own volume
    assertThat(pod.getSpec().getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("secrets");
              assertThat(v.getEmptyDir().getMedium()).isEqualTo("Memory");
            });
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly(NodeObjects.volumeName(APP));
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("parts"))
        .singleElement()
        .satisfies(v -> assertThat(v.getProjected().getSources()).hasSize(3));
  }

  @Test
  void anSgxPodAsksTheDevicePluginForItsEnclave() {
    Pod pod = objects("gramine-sgx", "4g").pod(0, 1, owner());
    assertThat(pod.getSpec().getContainers().getFirst().getResources().getLimits())
        .containsEntry("sgx.intel.com/epc", new Quantity("2048Mi"))
        .containsEntry("sgx.intel.com/enclave", new Quantity("1"))
        .containsEntry("sgx.intel.com/provision", new Quantity("1"));
  }

  @Test
  void aConfidentialVmPodTakesItsOffersRuntimeClass() {
    assertThat(objects("tsm", "8g").pod(0, 1, owner()).getSpec().getRuntimeClassName())
        .isEqualTo("kata-qemu-snp");
    assertThat(objects("tsm", "4g").pod(0, 1, owner()).getSpec().getRuntimeClassName())
        .isEqualTo("kata-qemu-tdx");
  }

  @Test
  void onlyTheOperatorsPodsReachTheNodesTwoPorts() {
    NetworkPolicy policy = objects("simulation", "4g").networkPolicy(owner());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry(NodeObjects.APP_LABEL, APP.toString());
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getFrom())
                  .singleElement()
                  .satisfies(
                      from -> {
                        assertThat(from.getPodSelector().getMatchLabels())
                            .isEqualTo(Map.of("app.kubernetes.io/name", "mse-operator"));
                        assertThat(from.getNamespaceSelector()).isNull();
                        assertThat(from.getIpBlock()).isNull();
                      });
              assertThat(rule.getPorts())
                  .extracting(p -> p.getPort().getIntVal())
                  .containsExactly(NodeObjects.ENCLAVE_PORT, NodeObjects.APP_PORT);
            });
  }

  @Test
  void theStateVolumeHasTheConfiguredClassAndSize() {
    var pvc = objects("simulation", "4g").stateVolume(owner());
    assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(pvc.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("256Mi"));
  }

  @Test
  void packagesAreCutIntoChunksThatFitAConfigMap() {
    assertThat(NodeObjects.chunkCount(0)).isEqualTo(1);
    assertThat(NodeObjects.chunkCount(NodeObjects.CHUNK_BYTES)).isEqualTo(1);
    assertThat(NodeObjects.chunkCount(NodeObjects.CHUNK_BYTES + 1L)).isEqualTo(2);
    assertThat(NodeObjects.chunkCount(256L * 1024 * 1024)).isEqualTo(342);
  }
}
