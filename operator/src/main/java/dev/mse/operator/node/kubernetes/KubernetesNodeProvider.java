package dev.mse.operator.node.kubernetes;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeLease;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.runtime.NodeStatusClient;
import dev.mse.protocol.deploy.DeploymentConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each app's runtime as a pod of its own in one namespace (the {@code kubernetes} provider;
 * docs/kubernetes.md). What each node is made of is {@link NodeObjects}; what its pod says is
 * {@link PodObservation}, learnt from one informer (a watch) over every pod this operator made, not
 * by polling. A pod that ends is made again (its next generation) from the sealed state on the
 * node's volume, a bounded number of times. Every {@link #STATUS_PERIOD} the runtime's status is
 * read at each pod's enclave port over RA-TLS, as the local provider reads its processes': its
 * counters and the memory the app gets ({@link #metrics}); its CPU time is the cluster's metrics
 * API's usage added up over time (a process's own CPU time, which the local provider reads, is not
 * visible from outside a pod). Nodes outlive the operator: {@link #close()} stops watching, {@link
 * #resume} finds their pods again.
 */
public final class KubernetesNodeProvider implements NodeProvider {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesNodeProvider.class);

  /** The most of ended pods' output kept per node, for its logs. */
  static final int KEPT_LOG_BYTES = 256 * 1024;

  /** How often the runtimes' status (counters, memory) is read. */
  static final Duration STATUS_PERIOD = Duration.ofSeconds(5);

  /**
   * How the runtimes' status is read: the policy their evidence must meet (simulated evidence only
   * from simulated nodes, as for local nodes), where missing collateral is fetched (through a cache
   * in {@code cacheDir}), and the enclave port of the pods.
   */
  public record StatusReading(
      AppraisalPolicy policy, Optional<URI> pccs, Path cacheDir, int enclavePort) {
    /** The default policy for nodes of {@code tee}, no PCCS, the pods' enclave port. */
    public static StatusReading defaults(String tee) {
      return new StatusReading(
          AppraisalPolicy.defaults().withAllowSimulation(tee.equals("simulation")),
          Optional.empty(),
          Path.of("collateral-cache"),
          NodeObjects.ENCLAVE_PORT);
    }

    NodeStatusClient client(String host, DeploymentConfig config, String tee) {
      return new NodeStatusClient(
          host,
          enclavePort,
          config,
          policy.withAllowSimulation(policy.allowSimulation() || tee.equals("simulation")),
          pccs,
          cacheDir);
    }
  }

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final OperatorConfig.Kubernetes settings;
  private final int frontConnectionsPerSource;
  private final NodeListener listener;
  private final Map<UUID, KubernetesNode> nodes = new ConcurrentHashMap<>();
  private final Map<UUID, KeptLog> keptLogs = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Pod> informer;
  private final StatusReading statusReading;
  private final ScheduledExecutorService statusTimer;
  private volatile NodeLease lease = NodeLease.ALONE;

  /** What is left of a node's ended pods: their output, and when the last one ended. */
  record KeptLog(String text, Instant ended) {
    KeptLog append(String more, Instant when) {
      String all = text + more;
      int cut = Math.max(0, all.length() - KEPT_LOG_BYTES);
      return new KeptLog(all.substring(cut), when);
    }
  }

  /**
   * A provider with its own client: to {@code settings.apiUrl()} when given, else in-cluster (the
   * pod's service account) or the kubeconfig.
   *
   * @param frontConnectionsPerSource connections one source may hold at a node's enclave port
   */
  public static KubernetesNodeProvider connect(
      OperatorConfig.Kubernetes settings,
      int frontConnectionsPerSource,
      StatusReading statusReading,
      NodeListener listener) {
    Config config = Config.autoConfigure(null);
    if (settings.apiUrl().isPresent()) {
      config = new ConfigBuilder(config).withMasterUrl(settings.apiUrl().get()).build();
    }
    config.setNamespace(settings.namespace());
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    try {
      return new KubernetesNodeProvider(
          client, true, settings, frontConnectionsPerSource, statusReading, listener);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The Kubernetes API cannot be reached or refuses the operator: it cannot run nodes. */
  public static final class UnreachableException extends RuntimeException {
    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A provider on {@code client}, which the caller closes; status read by default. */
  public KubernetesNodeProvider(
      KubernetesClient client,
      OperatorConfig.Kubernetes settings,
      int frontConnectionsPerSource,
      NodeListener listener) {
    this(
        client,
        settings,
        frontConnectionsPerSource,
        StatusReading.defaults(settings.tee()),
        listener);
  }

  /** A provider on {@code client}, which the caller closes. */
  public KubernetesNodeProvider(
      KubernetesClient client,
      OperatorConfig.Kubernetes settings,
      int frontConnectionsPerSource,
      StatusReading statusReading,
      NodeListener listener) {
    this(client, false, settings, frontConnectionsPerSource, statusReading, listener);
  }

  private KubernetesNodeProvider(
      KubernetesClient client,
      boolean ownsClient,
      OperatorConfig.Kubernetes settings,
      int frontConnectionsPerSource,
      StatusReading statusReading,
      NodeListener listener) {
    this.client = client;
    this.statusReading = statusReading;
    this.ownsClient = ownsClient;
    this.settings = settings;
    this.frontConnectionsPerSource = frontConnectionsPerSource;
    this.listener = listener;
    // One watch over all the nodes' pods; a resync of 0: events only, no periodic replays.
    try {
      this.informer =
          client
              .pods()
              .inNamespace(settings.namespace())
              .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
              .inform(new Events(), 0);
    } catch (KubernetesClientException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new UnreachableException(
          "cannot watch the pods of namespace "
              + settings.namespace()
              + " at "
              + client.getMasterUrl()
              + ": "
              + (root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName())
              + " ([kubernetes] api_url, and the operator's RBAC: deploy/kubernetes/role.yaml)",
          e);
    }
    this.statusTimer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("k8s-node-status").daemon().unstarted(r));
    statusTimer.scheduleWithFixedDelay(
        this::readStatuses,
        STATUS_PERIOD.toMillis(),
        STATUS_PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info(
        "kubernetes node provider: namespace {}, tee {}, image {}",
        settings.namespace(),
        settings.tee(),
        settings.image());
  }

  /** The informer's events, handed to each node's own queue (never blocking the informer). */
  private final class Events implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      node(pod).ifPresent(n -> n.observe(pod, false));
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      node(pod).ifPresent(n -> n.observe(pod, false));
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      node(pod).ifPresent(n -> n.observe(pod, true));
    }

    private Optional<KubernetesNode> node(Pod pod) {
      return appId(pod).map(nodes::get);
    }
  }

  static Optional<UUID> appId(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    String id = labels == null ? null : labels.get(NodeObjects.APP_LABEL);
    if (id == null) {
      return Optional.empty();
    }
    try {
      UUID uuid = UUID.fromString(id);
      return uuid.toString().equals(id) ? Optional.of(uuid) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  KubernetesClient client() {
    return client;
  }

  OperatorConfig.Kubernetes settings() {
    return settings;
  }

  NodeListener listener() {
    return listener;
  }

  NodeLease lease() {
    return lease;
  }

  StatusReading statusReading() {
    return statusReading;
  }

  /**
   * The CPU a pod's containers use now, in cores, as the cluster's metrics API ({@code
   * metrics.k8s.io}, served by metrics-server) last measured it; empty when it has no measure.
   */
  Optional<Double> podCpuCores(String pod) {
    try {
      PodMetrics m = client.top().pods().metrics(settings.namespace(), pod);
      if (m == null || m.getContainers() == null) {
        return Optional.empty();
      }
      double cores = 0;
      for (ContainerMetrics c : m.getContainers()) {
        Quantity cpu = c.getUsage() == null ? null : c.getUsage().get("cpu");
        if (cpu != null) {
          cores += cpu.getNumericalAmount().doubleValue();
        }
      }
      return Optional.of(cores);
    } catch (KubernetesClientException | ArithmeticException | IllegalArgumentException e) {
      LOG.debug("no CPU measure of pod {}: {}", pod, e.getMessage());
      return Optional.empty();
    }
  }

  /** Each node's status read on a thread of its own: a pod that does not answer holds no other. */
  private void readStatuses() {
    for (KubernetesNode node : nodes.values()) {
      Thread.ofVirtual().name("k8s-status-" + node.appId()).start(node::readStatus);
    }
  }

  @Override
  public void leaseWith(NodeLease value) {
    this.lease = value;
  }

  /** Keeps what an ended pod wrote, with the operator's note about it. */
  void keep(UUID appId, String output, String note) {
    Instant now = Instant.now();
    String text = output + "--- mse operator: " + note + " at " + now + "\n";
    keptLogs.merge(appId, new KeptLog("", now).append(text, now), (a, b) -> a.append(text, now));
  }

  @Override
  public void start(NodeSpec spec) {
    if (nodes.containsKey(spec.appId())) {
      throw new IllegalStateException("app " + spec.appId() + " already has a node");
    }
    KubernetesNode node = new KubernetesNode(this, spec, objects(spec));
    nodes.put(spec.appId(), node);
    node.run(() -> node.create(ensureObjects(spec)));
  }

  @Override
  public void resume(NodeSpec spec) {
    KubernetesNode node = new KubernetesNode(this, spec, objects(spec));
    nodes.put(spec.appId(), node);
    node.run(
        () -> {
          ConfigMap anchor = ensureObjects(spec);
          node.reattach(anchor, pods(spec.appId()));
        });
  }

  private NodeObjects objects(NodeSpec spec) {
    return new NodeObjects(settings, spec, frontConnectionsPerSource);
  }

  /**
   * Makes whatever of the node's objects is missing, the network policy before any pod (default
   * deny from the first moment), and returns its anchor.
   */
  private ConfigMap ensureObjects(NodeSpec spec) throws IOException {
    NodeObjects objects = objects(spec);
    UUID id = spec.appId();
    String ns = settings.namespace();
    ConfigMap anchor =
        client.configMaps().inNamespace(ns).withName(NodeObjects.anchorName(id)).get();
    if (anchor == null) {
      anchor = client.configMaps().inNamespace(ns).resource(objects.anchor()).create();
    }
    long size = Files.size(spec.packageFile());
    int chunks = NodeObjects.chunkCount(size);
    try (InputStream in = Files.newInputStream(spec.packageFile())) {
      for (int i = 0; i < chunks; i++) {
        byte[] part = in.readNBytes(NodeObjects.CHUNK_BYTES);
        if (client.configMaps().inNamespace(ns).withName(NodeObjects.chunkName(id, i)).get()
            == null) {
          client
              .configMaps()
              .inNamespace(ns)
              .resource(objects.packageChunk(i, part, anchor))
              .create();
        }
      }
    }
    if (client
            .network()
            .networkPolicies()
            .inNamespace(ns)
            .withName(NodeObjects.anchorName(id))
            .get()
        == null) {
      client
          .network()
          .networkPolicies()
          .inNamespace(ns)
          .resource(objects.networkPolicy(anchor))
          .create();
    }
    if (client.persistentVolumeClaims().inNamespace(ns).withName(NodeObjects.volumeName(id)).get()
        == null) {
      client
          .persistentVolumeClaims()
          .inNamespace(ns)
          .resource(objects.stateVolume(anchor))
          .create();
    }
    return anchor;
  }

  /** The node's pods, as the API has them now. */
  List<Pod> pods(UUID appId) {
    return client
        .pods()
        .inNamespace(settings.namespace())
        .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
        .withLabel(NodeObjects.APP_LABEL, appId.toString())
        .list()
        .getItems();
  }

  @Override
  public List<FoundNode> findNodes() {
    String ns = settings.namespace();
    Map<UUID, Boolean> runs = new HashMap<>();
    for (Pod pod :
        client
            .pods()
            .inNamespace(ns)
            .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
            .list()
            .getItems()) {
      appId(pod)
          .ifPresent(
              id ->
                  runs.merge(
                      id,
                      switch (PodObservation.of(pod)) {
                        case PodObservation.Starting s -> true;
                        case PodObservation.Waiting w -> true;
                        case PodObservation.Serving s -> true;
                        default -> false;
                      },
                      Boolean::logicalOr));
    }
    Set<UUID> volumes = new TreeSet<>();
    client
        .persistentVolumeClaims()
        .inNamespace(ns)
        .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
        .list()
        .getItems()
        .forEach(v -> appId(v).ifPresent(volumes::add));
    Set<UUID> sealed = new TreeSet<>();
    Set<UUID> ids = new TreeSet<>(runs.keySet());
    ids.addAll(volumes);
    for (ConfigMap c :
        client
            .configMaps()
            .inNamespace(ns)
            .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
            .list()
            .getItems()) {
      Optional<UUID> id = appId(c);
      if (id.isEmpty()) {
        continue;
      }
      ids.add(id.get());
      Map<String, String> notes = c.getMetadata().getAnnotations();
      if (c.getMetadata().getName().equals(NodeObjects.anchorName(id.get()))
          && notes != null
          && "true".equals(notes.get(NodeObjects.SEALED_ANNOTATION))) {
        sealed.add(id.get());
      }
    }
    return ids.stream()
        .map(
            id ->
                new FoundNode(
                    id,
                    runs.getOrDefault(id, false),
                    // the seal is on the volume: both must be there
                    sealed.contains(id) && volumes.contains(id)))
        .toList();
  }

  @Override
  public void discard(UUID appId) {
    KubernetesNode node = nodes.remove(appId);
    if (node != null) {
      node.detach();
    }
    deleteAll(appId);
  }

  @Override
  public void stop(UUID appId) {
    KubernetesNode node = nodes.remove(appId);
    if (node != null) {
      node.stop();
    } else {
      deleteAll(appId);
    }
  }

  /** Deletes every object of the node: pods, volume, network policy, config and package. */
  void deleteAll(UUID appId) {
    String ns = settings.namespace();
    String id = appId.toString();
    try {
      client
          .pods()
          .inNamespace(ns)
          .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
          .withLabel(NodeObjects.APP_LABEL, id)
          .delete();
      client
          .persistentVolumeClaims()
          .inNamespace(ns)
          .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
          .withLabel(NodeObjects.APP_LABEL, id)
          .delete();
      client
          .network()
          .networkPolicies()
          .inNamespace(ns)
          .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
          .withLabel(NodeObjects.APP_LABEL, id)
          .delete();
      // the anchor last: in a real cluster its deletion also collects anything missed above
      client
          .configMaps()
          .inNamespace(ns)
          .withLabel(NodeObjects.MANAGED_BY, NodeObjects.MANAGER)
          .withLabel(NodeObjects.APP_LABEL, id)
          .delete();
      LOG.info("deleted the node of app {}", appId);
    } catch (KubernetesClientException e) {
      LOG.error("cannot delete all of the node of app {}: {}", appId, e.getMessage());
    }
  }

  @Override
  public Optional<NodeAddress> address(UUID appId) {
    return Optional.ofNullable(nodes.get(appId)).flatMap(KubernetesNode::address);
  }

  @Override
  public String tee() {
    return settings.tee();
  }

  @Override
  public String logTail(UUID appId, int maxBytes) {
    String kept = Optional.ofNullable(keptLogs.get(appId)).map(KeptLog::text).orElse("");
    String current =
        Optional.ofNullable(nodes.get(appId)).map(n -> n.currentLog(maxBytes)).orElse("");
    String all = kept + current;
    return all.substring(Math.max(0, all.length() - maxBytes));
  }

  /** The output of a pod, at most its last {@code maxBytes} bytes; empty when it cannot be had. */
  String podLog(String pod, int maxBytes) {
    try {
      String log =
          client
              .pods()
              .inNamespace(settings.namespace())
              .withName(pod)
              .inContainer("runtime")
              .limitBytes(maxBytes)
              .getLog();
      return log == null ? "" : log;
    } catch (KubernetesClientException e) {
      LOG.debug("no log of pod {}: {}", pod, e.getMessage());
      return "";
    }
  }

  @Override
  public void purgeEnded(Instant endedBefore) {
    keptLogs
        .entrySet()
        .removeIf(
            e -> {
              KubernetesNode live = nodes.get(e.getKey());
              return (live == null || live.state().isFinal())
                  && e.getValue().ended().isBefore(endedBefore);
            });
  }

  /** What the node's runtime last said of itself (read every {@link #STATUS_PERIOD}). */
  @Override
  public NodeMetrics metrics(UUID appId) {
    return Optional.ofNullable(nodes.get(appId))
        .map(KubernetesNode::metrics)
        .orElse(NodeMetrics.NONE);
  }

  /** Stops following the nodes (another instance leads); the watch stays, for a later lead. */
  @Override
  public void letGo() {
    nodes.values().forEach(KubernetesNode::detach);
    nodes.clear();
  }

  @Override
  public void close() {
    statusTimer.shutdownNow();
    informer.close();
    nodes.values().forEach(KubernetesNode::detach);
    nodes.clear();
    if (ownsClient) {
      client.close();
    }
  }
}
