package dev.mse.operator.node.kubernetes;

import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.runtime.EvidenceVerdict;
import dev.mse.operator.node.runtime.NodeStatus;
import dev.mse.operator.node.runtime.NodeStatusClient;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.deploy.DeploymentConfigException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's node as the provider follows it: the generation of its current pod, what the watch last
 * said of it, and its restarts. Everything that happens to a node runs on its own queue (one
 * virtual thread at a time), in the order the watch delivered it, so a stop never races a restart.
 */
final class KubernetesNode {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesNode.class);

  /** Work on a node: may call the API. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  private final KubernetesNodeProvider provider;
  private final NodeSpec spec;
  private final NodeObjects objects;
  // what the runtime's RA-TLS certificate must carry; empty: its status is not read
  private final Optional<DeploymentConfig> config;
  private final ExecutorService queue =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("k8s-node-", 0).factory());
  private volatile NodeState state = NodeState.SPAWNING;
  private volatile Optional<String> podIp = Optional.empty();
  private volatile Optional<String> pod = Optional.empty();
  private volatile boolean stopping;
  private volatile NodeMetrics metrics = NodeMetrics.NONE;
  // CPU seconds added up from the metrics API's usage; when it was last measured (nanoTime, or -1)
  private volatile double cpuSeconds;
  private long cpuMeasuredAt = -1;
  // one status read at a time; the client is made again when the pod's address changes
  private final ReentrantLock reading = new ReentrantLock();
  private NodeStatusClient status;
  private String statusHost;
  // what the status reads say of the node's evidence; a node re-attached to answered before
  private volatile EvidenceVerdict verdict;
  private ConfigMap anchor;
  private int generation;
  private int restarts;
  private int chunks;

  KubernetesNode(KubernetesNodeProvider provider, NodeSpec spec, NodeObjects objects) {
    this.provider = provider;
    this.spec = spec;
    this.objects = objects;
    Optional<DeploymentConfig> parsed;
    try {
      parsed = Optional.of(DeploymentConfig.parse(spec.deploymentConfig()));
    } catch (DeploymentConfigException e) {
      LOG.warn("node of app {}: its status cannot be read: {}", spec.appId(), e.getMessage());
      parsed = Optional.empty();
    }
    this.config = parsed;
  }

  UUID appId() {
    return spec.appId();
  }

  NodeState state() {
    return state;
  }

  /** Queues work on this node; a failure fails the node and deletes what it made. */
  void run(Step step) {
    try {
      queue.execute(
          () -> {
            if (stopping) {
              return;
            }
            try {
              step.run();
            } catch (Exception e) {
              if (stopping) {
                // stopped or detached meanwhile (detach interrupts the step): not a failure of the
                // node, and what it made is stop's or discard's to delete, or stays (shutdown)
                LOG.info(
                    "node of app {}: a step ended as it stopped: {}", spec.appId(), e.getMessage());
                return;
              }
              LOG.error("node of app {}: {}", spec.appId(), e.getMessage());
              change(
                  NodeState.FAILED, Optional.of("the node cannot be started: " + e.getMessage()));
              release();
            }
          });
    } catch (RejectedExecutionException e) {
      // stopped or detached meanwhile
    }
  }

  /** Makes the first pod (the node's objects exist). */
  void create(ConfigMap anchor) {
    this.verdict = new EvidenceVerdict(false, provider.statusReading().pccs());
    this.anchor = anchor;
    this.restarts = restartsOf(anchor);
    this.chunks = chunkCount();
    underLease(() -> makePod(0));
  }

  /**
   * After an operator restart: follows the pod that still runs, or makes the next generation from
   * the sealed state when every pod ended while nobody watched.
   */
  void reattach(ConfigMap anchor, List<Pod> pods) {
    this.verdict = new EvidenceVerdict(true, provider.statusReading().pccs());
    this.anchor = anchor;
    this.restarts = restartsOf(anchor);
    this.chunks = chunkCount();
    int last = pods.stream().mapToInt(KubernetesNode::generationOf).max().orElse(-1);
    Optional<Pod> live =
        pods.stream()
            .filter(p -> generationOf(p) == last)
            .filter(
                p ->
                    switch (PodObservation.of(p)) {
                      case PodObservation.Starting s -> true;
                      case PodObservation.Waiting w -> true;
                      case PodObservation.Serving s -> true;
                      default -> false;
                    })
            .findFirst();
    if (live.isPresent()) {
      generation = last;
      pod = Optional.of(live.get().getMetadata().getName());
      LOG.info("re-attached to pod {} of app {}", pod.get(), spec.appId());
      // an operator stopped between making a generation and deleting the one before left it
      String current = pod.get();
      if (!underLease(
          () -> {
            for (Pod p : pods) {
              if (!p.getMetadata().getName().equals(current)) {
                delete(p.getMetadata().getName());
              }
            }
          })) {
        return;
      }
      handle(live.get(), false);
      return;
    }
    for (Pod p : pods) {
      provider.keep(
          spec.appId(),
          provider.podLog(p.getMetadata().getName(), KubernetesNodeProvider.KEPT_LOG_BYTES),
          "pod " + p.getMetadata().getName() + " ended while the operator was away");
    }
    underLease(
        () -> {
          pods.forEach(p -> delete(p.getMetadata().getName()));
          LOG.info(
              "the pod of app {} is gone; making it again from its sealed state", spec.appId());
          makePod(last + 1);
        });
  }

  /** A pod version from the watch, handled on this node's queue. */
  void observe(Pod p, boolean deleted) {
    run(() -> handle(p, deleted));
  }

  private void handle(Pod p, boolean deleted) {
    String name = p.getMetadata().getName();
    if (stopping || state.isFinal() || pod.isEmpty() || !pod.get().equals(name)) {
      return; // an older generation being deleted, or a node that has ended
    }
    PodObservation seen =
        deleted ? new PodObservation.Ended("the pod was deleted") : PodObservation.of(p);
    String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
    if (ip != null && !ip.isBlank()) {
      podIp = Optional.of(ip);
    }
    switch (seen) {
      case PodObservation.Starting s -> change(NodeState.SPAWNING, Optional.empty());
      case PodObservation.Waiting w -> change(NodeState.WAITING, Optional.empty());
      case PodObservation.Serving s -> {
        markSealed();
        change(NodeState.RUNNING, Optional.empty());
      }
      case PodObservation.Ended e -> ended(name, e.reason());
      case PodObservation.Broken b ->
          fail(name, b.reason(), "the node's pod cannot start: " + b.reason());
      case PodObservation.Leaving l -> {}
    }
  }

  /**
   * The pod ended: its output is kept, and the next generation made, or the app fails. Only under
   * the lease: an ex-leader that still follows the node must neither make a pod nor delete what the
   * new leader follows; it stops following the node instead.
   */
  private void ended(String name, String reason) {
    provider.keep(
        spec.appId(),
        provider.podLog(name, KubernetesNodeProvider.KEPT_LOG_BYTES),
        "pod " + name + " ended: " + reason);
    if (restarts >= provider.settings().maxRestarts()) {
      if (!underLease(() -> provider.deleteAll(spec.appId()))) {
        return;
      }
      queue.shutdown();
      change(
          NodeState.FAILED,
          Optional.of(
              "the runtime stopped "
                  + (restarts + 1)
                  + " times ("
                  + reason
                  + "); see the app's logs"));
      return;
    }
    if (!underLease(
        () -> {
          restarts++;
          LOG.warn("node of app {}: {}; restart {}", spec.appId(), reason, restarts);
          provider.keep(
              spec.appId(),
              "",
              "restarting the node ("
                  + restarts
                  + " of "
                  + provider.settings().maxRestarts()
                  + ")");
          annotate(NodeObjects.RESTARTS_ANNOTATION, Integer.toString(restarts));
          delete(name);
          podIp = Optional.empty();
          makePod(generation + 1);
        })) {
      return;
    }
    // SPAWNING until it answers again: the operator then routes to the new pod's address.
    change(NodeState.SPAWNING, Optional.empty());
  }

  /**
   * Runs {@code action} if this operator leads ({@link dev.mse.operator.node.NodeLease}); if not,
   * stops following the node, which the leader follows, and says false.
   */
  private boolean underLease(Runnable action) {
    if (provider.lease().act(action)) {
      return true;
    }
    LOG.warn(
        "node of app {}: this operator no longer leads; the leader follows the node", spec.appId());
    detach();
    return false;
  }

  private void makePod(int next) {
    generation = next;
    Pod made = objects.pod(next, chunks, anchor);
    pod = Optional.of(made.getMetadata().getName());
    try {
      provider.client().pods().inNamespace(provider.settings().namespace()).resource(made).create();
      LOG.info("node of app {}: made pod {}", spec.appId(), made.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // made before an operator restart: it is followed as it is
    }
  }

  /**
   * The runtime served: its state volume holds its seal, so it may be resumed without its owner.
   */
  private void markSealed() {
    Map<String, String> notes = anchor.getMetadata().getAnnotations();
    if (notes == null || !"true".equals(notes.get(NodeObjects.SEALED_ANNOTATION))) {
      annotate(NodeObjects.SEALED_ANNOTATION, "true");
    }
  }

  private void annotate(String key, String value) {
    try {
      anchor =
          provider
              .client()
              .configMaps()
              .inNamespace(provider.settings().namespace())
              .withName(anchor.getMetadata().getName())
              .edit(
                  c -> {
                    c.getMetadata().getAnnotations().put(key, value);
                    return c;
                  });
    } catch (KubernetesClientException e) {
      LOG.warn("node of app {}: cannot note {}: {}", spec.appId(), key, e.getMessage());
    }
  }

  private void delete(String name) {
    provider.client().pods().inNamespace(provider.settings().namespace()).withName(name).delete();
  }

  private void change(NodeState next, Optional<String> failure) {
    if (state == next || state.isFinal()) {
      return;
    }
    state = next;
    LOG.info("node of app {}: {}", spec.appId(), next);
    provider.listener().stateChanged(spec.appId(), next, failure);
  }

  /** A failed node: everything it owned goes (its sealed state too); its output was kept. */
  private void release() {
    if (underLease(() -> provider.deleteAll(spec.appId()))) {
      queue.shutdown();
    }
  }

  Optional<NodeAddress> address() {
    Optional<String> ip = podIp;
    if (state.isFinal() || ip.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new NodeAddress(
            new InetSocketAddress(ip.get(), provider.statusReading().enclavePort()),
            new InetSocketAddress(ip.get(), NodeObjects.APP_PORT)));
  }

  /**
   * Reads the runtime's status at the current pod's enclave port, over RA-TLS held to the node
   * policy and to this app's deployment config, and keeps its counters and memory; skipped while a
   * read is under way or the pod has no address.
   */
  void readStatus() {
    Optional<NodeAddress> at = address();
    if (at.isEmpty() || stopping || !reading.tryLock()) {
      return;
    }
    try {
      String host = at.get().enclave().getHostString();
      if (config.isPresent() && (status == null || !host.equals(statusHost))) {
        closeStatus();
        status = provider.statusReading().client(host, config.get(), provider.settings().tee());
        statusHost = host;
      }
      if (status != null) {
        Optional<NodeStatus> s = status.status();
        s.ifPresent(now -> metrics = now.metrics());
        EvidenceVerdict v = verdict;
        Optional<String> failure =
            v == null ? Optional.empty() : v.after(status, s.isPresent(), Instant.now());
        failure.ifPresent(why -> run(() -> refuse(why)));
      }
      addCpu(pod.flatMap(provider::podCpuCores));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      reading.unlock();
    }
    if (stopping) {
      // stopped or detached during the read, which it could not wait for
      releaseStatus();
    }
  }

  /**
   * The node's evidence is refused, or its collateral still missing after the patience the local
   * provider gives too: the app fails with the reason.
   */
  private void refuse(String why) {
    // (a status read needs the pod's address, so the pod is known)
    if (stopping || state.isFinal() || pod.isEmpty()) {
      return;
    }
    LOG.warn("node of app {}: {}", spec.appId(), why);
    fail(pod.get(), why, why);
  }

  /**
   * The app fails with {@code failure}: the output of pod {@code podName} is kept with {@code
   * note}, and everything the node owned goes.
   */
  private void fail(String podName, String note, String failure) {
    provider.keep(
        spec.appId(), provider.podLog(podName, KubernetesNodeProvider.KEPT_LOG_BYTES), note);
    change(NodeState.FAILED, Optional.of(failure));
    release();
  }

  /**
   * Adds the CPU used since the last measure, at the rate measured now (a usage, averaged over the
   * metrics API's window, not a counter): an estimate of the pod's CPU time that charts as its
   * usage. Nothing is added over a time without a measure.
   */
  private void addCpu(Optional<Double> cores) {
    long now = System.nanoTime();
    if (cores.isPresent() && cpuMeasuredAt >= 0) {
      cpuSeconds += cores.get() * (now - cpuMeasuredAt) / 1e9;
    }
    cpuMeasuredAt = cores.isPresent() ? now : -1;
  }

  /**
   * What the runtime last said of its counters and memory, with the CPU time added up; nothing once
   * the node ended.
   */
  NodeMetrics metrics() {
    if (state.isFinal()) {
      return NodeMetrics.NONE;
    }
    NodeMetrics m = metrics;
    return new NodeMetrics(
        m.requests(),
        m.averageLatencyMillis(),
        m.activeConnections(),
        cpuSeconds,
        m.heapMaxBytes(),
        m.directMaxBytes());
  }

  private void closeStatus() {
    if (status != null) {
      status.close();
      status = null;
    }
  }

  /** The current pod's output. */
  String currentLog(int maxBytes) {
    return state.isFinal() ? "" : pod.map(p -> provider.podLog(p, maxBytes)).orElse("");
  }

  /**
   * Stops the node for good: its output is kept, then every object it owned is deleted (the sealed
   * state with it: an app that stopped never serves again).
   */
  void stop() {
    stopping = true;
    queue.shutdown();
    try {
      // what is under way (a pod being made) ends first, so nothing is made after the delete
      queue.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pod.ifPresent(
        p ->
            provider.keep(
                spec.appId(),
                state.isFinal() ? "" : provider.podLog(p, KubernetesNodeProvider.KEPT_LOG_BYTES),
                "stopped"));
    provider.deleteAll(spec.appId());
    releaseStatus();
    if (!state.isFinal()) {
      state = NodeState.STOPPED;
      provider.listener().stateChanged(spec.appId(), NodeState.STOPPED, Optional.empty());
    }
  }

  /** Stops following the node (operator shutdown); its pod keeps running. */
  void detach() {
    stopping = true;
    queue.shutdownNow();
    releaseStatus();
  }

  /**
   * Closes the status client unless a read is under way (never waiting for one): that read closes
   * it when it ends, as {@code stopping} is set before this is called.
   */
  private void releaseStatus() {
    if (reading.tryLock()) {
      try {
        closeStatus();
      } finally {
        reading.unlock();
      }
    }
  }

  private int chunkCount() {
    try {
      return NodeObjects.chunkCount(java.nio.file.Files.size(spec.packageFile()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int restartsOf(ConfigMap anchor) {
    Map<String, String> notes = anchor.getMetadata().getAnnotations();
    try {
      return notes == null
          ? 0
          : Integer.parseInt(notes.getOrDefault(NodeObjects.RESTARTS_ANNOTATION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The generation in a pod's name ({@code mse-<id>-<generation>}), or -1. */
  static int generationOf(Pod p) {
    String name = p.getMetadata().getName();
    try {
      return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
