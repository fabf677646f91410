package dev.mse.operator.node.kubernetes;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.runtime.RuntimeMemory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Kubernetes objects of one app's node, built from its spec and the operator's settings (no API
 * call here, so the shape of a node is tested without a cluster):
 *
 * <ul>
 *   <li>the <b>anchor</b> ConfigMap {@code mse-<id>}: the deployment config (public; the enclave
 *       hashes it into its claims), the node's restart count and whether it was ever provisioned;
 *       every other object names it as owner, so a real cluster's garbage collector removes what an
 *       interrupted stop left;
 *   <li>the encrypted package, split over ConfigMaps {@code mse-<id>-pkg-NNNNN} (an API object
 *       holds at most 1 MiB): ciphertext only, put together by an init container;
 *   <li>the sealed-state volume {@code mse-<id>-state} (a PVC: it outlives the pods, so a node made
 *       again after a crash serves from its sealed state without its owner);
 *   <li>the NetworkPolicy {@code mse-<id>}: only the operator's pods (its SNI proxy) reach the
 *       node's two ports;
 *   <li>the pod {@code mse-<id>-<generation>}, made again with the next generation after a crash.
 * </ul>
 */
public final class NodeObjects {
  /** Every object of every node carries it: what this provider lists and watches. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  public static final String MANAGER = "mse-operator";
  public static final String APP_LABEL = "mse.dev/app-id";
  public static final String PROJECT_LABEL = "mse.dev/project";
  public static final String TEE_LABEL = "mse.dev/tee";
  public static final String OFFER_LABEL = "mse.dev/hardware";

  /** On the anchor: the runtime came up and served once, so its state volume holds its seal. */
  public static final String SEALED_ANNOTATION = "mse.dev/sealed";

  /** On the anchor: how many times the node's pod was made again after it ended. */
  public static final String RESTARTS_ANNOTATION = "mse.dev/restarts";

  /** The runtime's own TLS port (status, evidence, provisioning). */
  public static final int ENCLAVE_PORT = 7443;

  /** The app's TLS port, inside the same TEE. */
  public static final int APP_PORT = 8443;

  /** The largest package chunk: a ConfigMap's data is capped at 1 MiB in all. */
  static final int CHUNK_BYTES = 768 * 1024;

  /** How long the runtime waits for its owner's provisioning, as the local provider's. */
  static final long PROVISIONING_TIMEOUT_MINUTES = 60;

  private static final String CONFIG_KEY = "deployment.json";
  private static final String PART_KEY = "part";

  private final OperatorConfig.Kubernetes settings;
  private final NodeSpec spec;
  private final int frontConnectionsPerSource;

  /**
   * @param frontConnectionsPerSource connections one source may hold at the enclave port: the
   *     proxy's share per app, as for the local provider
   */
  public NodeObjects(
      OperatorConfig.Kubernetes settings, NodeSpec spec, int frontConnectionsPerSource) {
    this.settings = settings;
    this.spec = spec;
    this.frontConnectionsPerSource = frontConnectionsPerSource;
  }

  /** The name of the anchor ConfigMap (and of the network policy). */
  public static String anchorName(UUID appId) {
    return "mse-" + appId;
  }

  public static String volumeName(UUID appId) {
    return "mse-" + appId + "-state";
  }

  public static String podName(UUID appId, int generation) {
    return "mse-" + appId + "-" + generation;
  }

  static String chunkName(UUID appId, int index) {
    return "mse-%s-pkg-%05d".formatted(appId, index);
  }

  /** The labels of every object of this node. */
  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put(APP_LABEL, spec.appId().toString());
    labels.put(TEE_LABEL, settings.tee());
    spec.projectId().ifPresent(p -> labels.put(PROJECT_LABEL, p.toString()));
    spec.hardware().ifPresent(h -> labels.put(OFFER_LABEL, h));
    return labels;
  }

  /** The anchor: the deployment config, which every other object of the node names as owner. */
  public ConfigMap anchor() {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(anchorName(spec.appId()))
        .withLabels(labels())
        .addToAnnotations(RESTARTS_ANNOTATION, "0")
        .endMetadata()
        .addToBinaryData(CONFIG_KEY, Base64.getEncoder().encodeToString(spec.deploymentConfig()))
        .withImmutable(false)
        .build();
  }

  /** How many chunks a package of {@code bytes} bytes takes (an empty package still takes one). */
  public static int chunkCount(long bytes) {
    return (int) Math.max(1, (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
  }

  /** Chunk {@code index} of the encrypted package: at most {@value #CHUNK_BYTES} bytes of it. */
  public ConfigMap packageChunk(int index, byte[] part, HasMetadata owner) {
    if (part.length > CHUNK_BYTES) {
      throw new IllegalArgumentException("a package chunk holds at most " + CHUNK_BYTES + " bytes");
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(chunkName(spec.appId(), index))
        .withLabels(labels())
        .withOwnerReferences(ownedBy(owner))
        .endMetadata()
        .addToBinaryData(PART_KEY, Base64.getEncoder().encodeToString(part))
        .withImmutable(true)
        .build();
  }

  /** The sealed-state volume. */
  public PersistentVolumeClaim stateVolume(HasMetadata owner) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(volumeName(spec.appId()))
        .withLabels(labels())
        .withOwnerReferences(ownedBy(owner))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(settings.storageClass().orElse(null))
        .withNewResources()
        .addToRequests("storage", new Quantity(settings.stateSizeMb() + "Mi"))
        .endResources()
        .endSpec()
        .build();
  }

  /** Default deny into the node: only the operator's pods, only to the node's two ports. */
  public NetworkPolicy networkPolicy(HasMetadata owner) {
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(anchorName(spec.appId()))
        .withLabels(labels())
        .withOwnerReferences(ownedBy(owner))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .addToMatchLabels(APP_LABEL, spec.appId().toString())
        .addToMatchLabels(MANAGED_BY, MANAGER)
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(settings.proxyLabels())
        .endPodSelector()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(ENCLAVE_PORT))
        .endPort()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(APP_PORT))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }

  /**
   * The node's pod. It never restarts in place ({@code restartPolicy: Never}): the provider sees
   * the pod end, keeps its log, and makes the next generation, which serves from the sealed state
   * on the same volume; the operator counts restarts as the local provider does.
   *
   * @param generation 0 for the first pod, then one more for each restart
   * @param chunks how many package chunks there are
   */
  public Pod pod(int generation, int chunks, HasMetadata owner) {
    String image = settings.image();
    UUID id = spec.appId();
    List<VolumeProjection> parts = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      parts.add(
          new VolumeProjectionBuilder()
              .withNewConfigMap()
              .withName(chunkName(id, i))
              .addNewItem()
              .withKey(PART_KEY)
              .withPath("%05d".formatted(i))
              .endItem()
              .endConfigMap()
              .build());
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName(id, generation))
        .withLabels(labels())
        .withOwnerReferences(ownedBy(owner))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        // the app must not reach the Kubernetes API with any identity
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withRuntimeClassName(runtimeClass().orElse(null))
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(settings.runAsUser())
        .withRunAsGroup(settings.runAsUser())
        .withFsGroup(settings.runAsUser())
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewInitContainer()
        .withName("package")
        .withImage(image)
        // the package's chunks, in order, into one file: ciphertext only
        .withCommand("/bin/sh", "-c", "cat /mse/parts/* > /mse/node/package.tar")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("parts")
        .withMountPath("/mse/parts")
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("node")
        .withMountPath("/mse/node")
        .endVolumeMount()
        .endInitContainer()
        .addNewContainer()
        .withName("runtime")
        .withImage(image)
        .withArgs(runtimeArgs())
        .withEnv(env())
        .withPorts(port("enclave", ENCLAVE_PORT), port("app", APP_PORT))
        .withResources(resources())
        // ready once the app's own TLS server listens: the runtime starts the app only after its
        // owner provisioned it, so ready is "running" and started-not-ready is "waiting"
        .withNewReadinessProbe()
        .withNewTcpSocket()
        .withPort(new IntOrString(APP_PORT))
        .endTcpSocket()
        .withPeriodSeconds(2)
        .endReadinessProbe()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("config")
        .withMountPath("/mse/config")
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("node")
        .withMountPath("/mse/node")
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("state")
        .withMountPath("/mse/state")
        .withSubPath("state")
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("state")
        .withMountPath("/mse/data")
        .withSubPath("data")
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("secrets")
        .withMountPath("/mse/secrets")
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName(anchorName(id))
        .addNewItem()
        .withKey(CONFIG_KEY)
        .withPath(CONFIG_KEY)
        .endItem()
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("parts")
        .withNewProjected()
        .withSources(parts)
        .endProjected()
        .endVolume()
        .addNewVolume()
        .withName("node")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("state")
        .withNewPersistentVolumeClaim()
        .withClaimName(volumeName(id))
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        // the app's secrets and TLS key: memory only, never the node's disk
        .withName("secrets")
        .withNewEmptyDir()
        .withMedium("Memory")
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withMedium("Memory")
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  /** The pod's runtime class: the offer's, else the default. */
  java.util.Optional<String> runtimeClass() {
    return spec.hardware().isPresent()
        ? settings.runtimeClassOf(spec.hardware().get())
        : settings.runtimeClass();
  }

  /** The runtime's arguments (the image's entrypoint is the runtime). */
  List<String> runtimeArgs() {
    return List.of(
        "--config",
        "/mse/config/" + CONFIG_KEY,
        "--package",
        "/mse/node/package.tar",
        "--port",
        Integer.toString(ENCLAVE_PORT),
        "--app-port",
        Integer.toString(APP_PORT),
        "--state-dir",
        "/mse/state",
        "--host",
        "0.0.0.0",
        "--tee",
        settings.tee(),
        "--secrets-dir",
        "/mse/secrets",
        "--provisioning-timeout",
        Long.toString(PROVISIONING_TIMEOUT_MINUTES));
  }

  /**
   * The runtime's environment, as the local provider gives it; the JVM's memory split goes in
   * {@code JAVA_TOOL_OPTIONS}, which every JVM reads whatever the image's entrypoint.
   */
  List<EnvVar> env() {
    List<String> jvm = new ArrayList<>(RuntimeMemory.jvmOptions(spec.enclaveSizeMb()));
    if (frontConnectionsPerSource > 0) {
      jvm.add("-Dmse.front.connectionsPerSource=" + frontConnectionsPerSource);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JAVA_TOOL_OPTIONS", String.join(" ", jvm));
    env.put("PORT", Integer.toString(APP_PORT));
    env.put("MSE_APP_PORT", Integer.toString(APP_PORT));
    env.put("MSE_SECRETS_PATH", "/mse/secrets/secrets.json");
    env.put("MSE_SEALED_SECRETS_PATH", "/mse/secrets/sealed_secrets.json");
    env.put("MSE_DATA_DIR", "/mse/data");
    env.put("MSE_TLS_CERTIFICATE", "/mse/secrets/tls/cert.pem");
    env.put("MSE_TLS_KEY", "/mse/secrets/tls/key.pem");
    env.put("HOME", "/tmp");
    env.put("TMPDIR", "/tmp");
    return env.entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList();
  }

  /**
   * The offer's resources. The JVM's parts are bounded to sum to the enclave size ({@link
   * RuntimeMemory}), so that is the container's memory, as the local provider's cgroup; under SGX
   * the enclave's pages come from the EPC, with the device plugin's enclave and provisioning
   * devices.
   */
  ResourceRequirements resources() {
    Map<String, Quantity> limits = new LinkedHashMap<>();
    limits.put("cpu", new Quantity(Integer.toString(Math.max(1, spec.cores()))));
    limits.put("memory", new Quantity(spec.enclaveSizeMb() + "Mi"));
    if (settings.tee().equals("gramine-sgx")) {
      limits.put("sgx.intel.com/epc", new Quantity(spec.enclaveSizeMb() + "Mi"));
      limits.put("sgx.intel.com/enclave", new Quantity("1"));
      limits.put("sgx.intel.com/provision", new Quantity("1"));
    }
    // requests = limits: the scheduler places the node where the whole offer fits
    return new ResourceRequirementsBuilder().withLimits(limits).withRequests(limits).build();
  }

  private static ContainerPort port(String name, int port) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(port)
        .withProtocol("TCP")
        .build();
  }

  private static OwnerReference ownedBy(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withBlockOwnerDeletion(false)
        .withController(false)
        .build();
  }
}
