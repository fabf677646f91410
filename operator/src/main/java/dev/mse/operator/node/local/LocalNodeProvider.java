package dev.mse.operator.node.local;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.runtime.Confinement;
import dev.mse.operator.node.runtime.GramineLaunch;
import dev.mse.operator.node.runtime.ProcessStopper;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.operator.proxy.ProxyLimits;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each app's runtime as a process of its own on this host (the {@code local} provider): ports
 * on loopback (the SNI proxy is the only way in from outside), output captured as the app's logs,
 * status watched over verified RA-TLS, crashed runtimes restarted from their sealed state. Nodes
 * outlive the operator: {@link #close()} stops watching, {@link #resume} finds them again.
 */
public final class LocalNodeProvider implements NodeProvider {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNodeProvider.class);

  /**
   * @param nodesDir where each node gets its directory
   * @param runtimeDir the runtime distribution
   * @param tee simulation, gramine-sgx or tsm
   * @param provisioningTimeout how long a runtime waits for its owner
   * @param maxRestarts how many times a dead runtime is started again before the app fails
   * @param runtimeUsers the user ids runtimes get, one each; empty: they run as the operator's user
   *     (which must then serve one tenant only)
   * @param logMaxBytes the size beyond which a node's log is rotated
   * @param frontConnectionsPerSource connections one source address may hold at the enclave port,
   *     when the runtime limits them: the proxy's share per app, since every connection reaches the
   *     enclave port from the proxy
   * @param pccs where runtimes get their collateral ({@code --pccs}) and where the node status
   *     client fetches it when a runtime's is missing or out of date ({@code pccs_url})
   * @param nodePolicy the policy the status client holds each node's evidence to
   * @param gramine Gramine's tools and the enclave signing key ({@code [gramine]}), for {@code
   *     gramine-sgx} nodes
   */
  public record Settings(
      Path nodesDir,
      Path runtimeDir,
      String tee,
      Duration provisioningTimeout,
      int maxRestarts,
      Optional<UidRange> runtimeUsers,
      long logMaxBytes,
      int frontConnectionsPerSource,
      Optional<URI> pccs,
      AppraisalPolicy nodePolicy,
      GramineLaunch.Settings gramine) {
    /**
     * As the canonical constructor, with the default policy (simulated evidence only from {@code
     * simulation} nodes) and Gramine's defaults (no signing key).
     */
    public Settings(
        Path nodesDir,
        Path runtimeDir,
        String tee,
        Duration provisioningTimeout,
        int maxRestarts,
        Optional<UidRange> runtimeUsers,
        long logMaxBytes,
        int frontConnectionsPerSource,
        Optional<URI> pccs) {
      this(
          nodesDir,
          runtimeDir,
          tee,
          provisioningTimeout,
          maxRestarts,
          runtimeUsers,
          logMaxBytes,
          frontConnectionsPerSource,
          pccs,
          defaultPolicy(tee),
          GramineLaunch.Settings.DEFAULTS);
    }

    /** The default policy for nodes of {@code tee}: simulated evidence only from simulation. */
    public static AppraisalPolicy defaultPolicy(String tee) {
      return AppraisalPolicy.defaults().withAllowSimulation(tee.equals("simulation"));
    }

    /** The same settings, with Gramine's tools and signing key from {@code value}. */
    public Settings withGramine(GramineLaunch.Settings value) {
      return new Settings(
          nodesDir,
          runtimeDir,
          tee,
          provisioningTimeout,
          maxRestarts,
          runtimeUsers,
          logMaxBytes,
          frontConnectionsPerSource,
          pccs,
          nodePolicy,
          value);
    }

    /** As the canonical constructor, without a PCCS. */
    public Settings(
        Path nodesDir,
        Path runtimeDir,
        String tee,
        Duration provisioningTimeout,
        int maxRestarts,
        Optional<UidRange> runtimeUsers,
        long logMaxBytes,
        int frontConnectionsPerSource) {
      this(
          nodesDir,
          runtimeDir,
          tee,
          provisioningTimeout,
          maxRestarts,
          runtimeUsers,
          logMaxBytes,
          frontConnectionsPerSource,
          Optional.empty());
    }

    /** The same settings, with runtimes and the status client using {@code url}. */
    public Settings withPccs(Optional<URI> url) {
      return new Settings(
          nodesDir,
          runtimeDir,
          tee,
          provisioningTimeout,
          maxRestarts,
          runtimeUsers,
          logMaxBytes,
          frontConnectionsPerSource,
          url,
          nodePolicy,
          gramine);
    }

    /** The same settings, with nodes' evidence held to {@code policy}. */
    public Settings withNodePolicy(AppraisalPolicy policy) {
      return new Settings(
          nodesDir,
          runtimeDir,
          tee,
          provisioningTimeout,
          maxRestarts,
          runtimeUsers,
          logMaxBytes,
          frontConnectionsPerSource,
          pccs,
          policy,
          gramine);
    }

    /**
     * Runtimes as the operator's user, logs capped at 10 MiB, the front's share per source that of
     * the proxy's default per app (tests, single tenant).
     */
    public Settings(
        Path nodesDir, Path runtimeDir, String tee, Duration provisioningTimeout, int maxRestarts) {
      this(
          nodesDir,
          runtimeDir,
          tee,
          provisioningTimeout,
          maxRestarts,
          Optional.empty(),
          10L * 1024 * 1024,
          ProxyLimits.DEFAULT.maxConnectionsPerApp());
    }
  }

  /** The user ids {@code first} to {@code first + count - 1}. */
  public record UidRange(int first, int count) {}

  /** What every node of this provider shares: its settings, the runtime users, the limits. */
  record Host(Settings settings, Optional<RuntimeUsers> users, NodeLimits limits) {}

  /**
   * The settings with a runtime distribution the runtime users can read: the configured one, or,
   * when a directory on its way is closed to them (a clone under a 0700 home), a copy the operator
   * publishes beside the nodes (0755/0644, named for its content, so its measurement is the same).
   * The class-data sharing archive is not copied: it names the jars' paths.
   */
  private static Settings withReadableRuntime(Settings s) throws IOException {
    Path jar = s.runtimeDir().resolve(RuntimeLaunch.RUNTIME_JAR);
    Path launcher = s.runtimeDir().resolve(RuntimeLaunch.LAUNCHER_JAR);
    if (NodeFiles.unreachableByOthers(jar, true).isEmpty()
        && NodeFiles.unreachableByOthers(launcher, true).isEmpty()
        && NodeFiles.unreachableByOthers(s.runtimeDir().resolve("lib"), true).isEmpty()) {
      return s;
    }
    Path published =
        NodeFiles.publishedCopy(s.runtimeDir(), s.nodesDir().toAbsolutePath().getParent());
    LOG.info("runtime users cannot read {}: they run the copy in {}", s.runtimeDir(), published);
    return new Settings(
        s.nodesDir(),
        published,
        s.tee(),
        s.provisioningTimeout(),
        s.maxRestarts(),
        s.runtimeUsers(),
        s.logMaxBytes(),
        s.frontConnectionsPerSource(),
        s.pccs(),
        s.nodePolicy(),
        s.gramine());
  }

  /** True when this operator runs as root, so each runtime can get a user of its own. */
  public static boolean operatorIsRoot() {
    return RuntimeUsers.operatorIsRoot();
  }

  private final Settings settings;
  private final Host host;
  private final NodeListener listener;
  private final Map<UUID, LocalNode> nodes = new ConcurrentHashMap<>();

  public LocalNodeProvider(Settings requested, NodeListener listener) throws IOException {
    Settings settings = requested;
    this.listener = listener;
    if (settings.tee().equals("gramine-sgx")) {
      // refused at start, not at the first deploy: Gramine's tools and the signing key
      GramineLaunch.checkReady(settings.gramine(), true);
    }
    Optional<RuntimeUsers> users = Optional.empty();
    if (settings.runtimeUsers().isPresent()) {
      if (!RuntimeUsers.operatorIsRoot() || !Confinement.canDropPrivileges()) {
        throw new IOException(
            "runtimes can run under users of their own only when the operator runs as root and"
                + " /usr/bin/setpriv exists");
      }
      UidRange range = settings.runtimeUsers().get();
      users = Optional.of(new RuntimeUsers(range.first(), range.count()));
      NodeFiles.traversableDir(settings.nodesDir());
      settings = withReadableRuntime(settings);
      for (Path p :
          List.of(
              settings.nodesDir(),
              settings.runtimeDir().resolve(RuntimeLaunch.LAUNCHER_JAR),
              settings.runtimeDir().resolve(RuntimeLaunch.RUNTIME_JAR),
              settings.runtimeDir().resolve("lib"),
              Path.of(System.getProperty("java.home"), "bin", "java"))) {
        Optional<String> why = NodeFiles.unreachableByOthers(p, !p.equals(settings.nodesDir()));
        if (why.isPresent()) {
          throw new IOException(
              "runtimes run under users of their own, who cannot reach "
                  + p
                  + ": "
                  + why.get()
                  + " (move it, or set [isolation] nodes_dir for the nodes)");
        }
      }
    } else {
      Path parent = settings.nodesDir().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      NodeFiles.privateDir(settings.nodesDir(), java.util.OptionalInt.empty());
    }
    this.settings = settings;
    this.host = new Host(settings, users, NodeLimits.detect());
  }

  @Override
  public void start(NodeSpec spec) {
    if (nodes.containsKey(spec.appId())) {
      throw new IllegalStateException("app " + spec.appId() + " already has a node");
    }
    try {
      LocalNode node = LocalNode.open(host, spec, listener);
      nodes.put(spec.appId(), node);
      node.launch();
      node.watch(true);
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot start the node of app {}: {}", spec.appId(), e.getMessage());
      listener.stateChanged(
          spec.appId(),
          NodeState.FAILED,
          Optional.of("the node cannot be started: " + e.getMessage()));
    }
  }

  @Override
  public void resume(NodeSpec spec) {
    try {
      LocalNode node = LocalNode.open(host, spec, listener);
      nodes.put(spec.appId(), node);
      if (node.attach()) {
        LOG.info("re-attached to the node of app {}", spec.appId());
      } else {
        // An operator killed between starting a runtime and recording its pid left it running.
        stopRuntimes(spec.appId(), runtimesByApp().getOrDefault(spec.appId(), List.of()));
        LOG.info("the node of app {} is gone; starting it from its sealed state", spec.appId());
        node.launch();
      }
      node.watch(false);
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot resume the node of app {}: {}", spec.appId(), e.getMessage());
      listener.stateChanged(
          spec.appId(),
          NodeState.FAILED,
          Optional.of("the node cannot be resumed: " + e.getMessage()));
    }
  }

  @Override
  public List<FoundNode> findNodes() {
    Map<UUID, List<ProcessHandle>> runtimes = runtimesByApp();
    Set<UUID> ids = new TreeSet<>(runtimes.keySet());
    try (Stream<Path> dirs = Files.list(settings.nodesDir())) {
      dirs.map(d -> parseUuid(d.getFileName().toString()))
          .flatMap(Optional::stream)
          .forEach(ids::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + settings.nodesDir(), e);
    }
    return ids.stream()
        .map(
            id ->
                new FoundNode(
                    id,
                    !runtimes.getOrDefault(id, List.of()).isEmpty(),
                    // the runtime's sealed state file (enclave's EnclaveRuntime writes it)
                    Files.isRegularFile(
                        settings.nodesDir().resolve(id.toString()).resolve("state/state.sealed"))))
        .toList();
  }

  @Override
  public void discard(UUID appId) {
    LocalNode watched = nodes.remove(appId);
    if (watched != null) {
      watched.detach();
    }
    stopRuntimes(appId, runtimesByApp().getOrDefault(appId, List.of()));
    cleanUnwatched(appId);
    NodeFiles.deleteTree(settings.nodesDir().resolve(appId.toString()));
  }

  /** The runtimes on this host started from a node directory of this provider, by app. */
  private Map<UUID, List<ProcessHandle>> runtimesByApp() {
    String marker = "--config " + settings.nodesDir() + File.separator;
    String gramineMarker = " " + settings.nodesDir() + File.separator;
    Map<UUID, List<ProcessHandle>> found = new TreeMap<>();
    ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .forEach(
            h -> {
              String line = RuntimeLaunch.commandLine(h);
              boolean jvm = line.contains(marker) && RuntimeLaunch.isRuntime(line);
              // a gramine-sgx runtime: its loader's command line names the node's manifest
              String m = jvm ? marker : gramineMarker;
              int at = line.indexOf(m);
              if (at < 0) {
                return;
              }
              String rest = line.substring(at + m.length());
              int slash = rest.indexOf(File.separatorChar);
              if (slash > 0) {
                parseUuid(rest.substring(0, slash))
                    .filter(
                        id ->
                            jvm
                                || GramineLaunch.isRuntimeOf(
                                    line, LocalNode.gramineApp(settings, id)))
                    .ifPresent(id -> found.computeIfAbsent(id, k -> new ArrayList<>()).add(h));
              }
            });
    return found;
  }

  private static void stopRuntimes(UUID appId, List<ProcessHandle> runtimes) {
    for (ProcessHandle h : runtimes) {
      LOG.warn("stopping runtime pid {} of app {}", h.pid(), appId);
      try {
        if (!ProcessStopper.stop(h)) {
          LOG.error("the runtime of app {} (pid {}) does not stop", appId, h.pid());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Optional<UUID> parseUuid(String s) {
    try {
      UUID id = UUID.fromString(s);
      // UUID.fromString accepts short groups; only the canonical form names a node
      return id.toString().equals(s) ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public void stop(UUID appId) {
    LocalNode node = nodes.remove(appId);
    if (node != null) {
      node.stop();
      return;
    }
    // A node this operator no longer watches (it failed before a restart): clean what is left.
    cleanUnwatched(appId);
  }

  /** Kills what runs under the user of a node nobody watches, and removes its files but the log. */
  private void cleanUnwatched(UUID appId) {
    Path dir = settings.nodesDir().resolve(appId.toString());
    Path record = dir.resolve("node.json");
    try {
      if (Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
        int uid = NodeRecord.read(record).uid();
        if (uid > 0) {
          RuntimeUsers.killAll(uid);
        }
      }
      Files.deleteIfExists(record);
    } catch (IOException e) {
      LOG.warn("node of app {}: cannot read its record: {}", appId, e.getMessage());
    }
    NodeFiles.deleteTree(dir.resolve("home"));
    NodeFiles.deleteTree(LocalNode.secretsDir(appId));
  }

  /**
   * Removes what is left of nodes that ended (their logs) once their last log line is older than
   * {@code endedBefore}.
   */
  @Override
  public void purgeEnded(Instant endedBefore) {
    try (Stream<Path> dirs = Files.list(settings.nodesDir())) {
      for (Path dir : dirs.toList()) {
        Optional<UUID> id = appId(dir);
        if (id.isEmpty()) {
          continue;
        }
        LocalNode live = nodes.get(id.get());
        if ((live != null && !live.state().isFinal())
            || Files.exists(dir.resolve("node.json"), LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Path log = dir.resolve("runtime.log");
        Instant last =
            Files.exists(log, LinkOption.NOFOLLOW_LINKS)
                ? Files.getLastModifiedTime(log, LinkOption.NOFOLLOW_LINKS).toInstant()
                : Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant();
        if (last.isBefore(endedBefore)) {
          nodes.remove(id.get());
          NodeFiles.deleteTree(dir);
          LOG.info("removed the logs of the node of app {}", id.get());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot purge ended nodes: {}", e.getMessage());
    }
  }

  private static Optional<UUID> appId(Path dir) {
    try {
      return Optional.of(UUID.fromString(dir.getFileName().toString()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<NodeAddress> address(UUID appId) {
    return Optional.ofNullable(nodes.get(appId)).flatMap(LocalNode::address);
  }

  @Override
  public String tee() {
    return settings.tee();
  }

  @Override
  public String logTail(UUID appId, int maxBytes) {
    Path dir = settings.nodesDir().resolve(appId.toString());
    String tail = LogTail.of(dir.resolve("runtime.log"), maxBytes);
    if (tail.length() < maxBytes / 2) {
      // just rotated: the end of the previous file comes first
      String previous = LogTail.of(dir.resolve("runtime.log.1"), maxBytes - tail.length());
      tail = previous + tail;
    }
    return tail;
  }

  @Override
  public NodeMetrics metrics(UUID appId) {
    return Optional.ofNullable(nodes.get(appId)).map(LocalNode::metrics).orElse(NodeMetrics.NONE);
  }

  @Override
  public void close() {
    nodes.values().forEach(LocalNode::detach);
    nodes.clear();
  }
}
