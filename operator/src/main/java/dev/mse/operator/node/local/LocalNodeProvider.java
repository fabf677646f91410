package dev.mse.operator.node.local;

import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.runtime.ProcessStopper;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
   */
  public record Settings(
      Path nodesDir, Path runtimeDir, String tee, Duration provisioningTimeout, int maxRestarts) {}

  private final Settings settings;
  private final NodeListener listener;
  private final Map<UUID, LocalNode> nodes = new ConcurrentHashMap<>();

  public LocalNodeProvider(Settings settings, NodeListener listener) throws IOException {
    this.settings = settings;
    this.listener = listener;
    Files.createDirectories(settings.nodesDir());
  }

  @Override
  public void start(NodeSpec spec) {
    if (nodes.containsKey(spec.appId())) {
      throw new IllegalStateException("app " + spec.appId() + " already has a node");
    }
    try {
      LocalNode node = LocalNode.open(settings, spec, listener);
      nodes.put(spec.appId(), node);
      node.launch();
      node.watch();
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
      LocalNode node = LocalNode.open(settings, spec, listener);
      nodes.put(spec.appId(), node);
      if (node.attach()) {
        LOG.info("re-attached to the node of app {}", spec.appId());
      } else {
        // An operator killed between starting a runtime and recording its pid left it running.
        stopRuntimes(spec.appId(), runtimesByApp().getOrDefault(spec.appId(), List.of()));
        LOG.info("the node of app {} is gone; starting it from its sealed state", spec.appId());
        node.launch();
      }
      node.watch();
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
    LocalNode.deleteTree(settings.nodesDir().resolve(appId.toString()));
    LocalNode.deleteTree(LocalNode.secretsDirOf(appId));
  }

  /** The runtimes on this host started from a node directory of this provider, by app. */
  private Map<UUID, List<ProcessHandle>> runtimesByApp() {
    String marker = "--config " + settings.nodesDir() + File.separator;
    Map<UUID, List<ProcessHandle>> found = new TreeMap<>();
    ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .forEach(
            h -> {
              String line = RuntimeLaunch.commandLine(h);
              int at = line.indexOf(marker);
              if (at < 0 || !line.contains(RuntimeLaunch.RUNTIME_JAR)) {
                return;
              }
              int from = at + marker.length();
              String rest = line.substring(from);
              int slash = rest.indexOf(File.separatorChar);
              if (slash > 0) {
                parseUuid(rest.substring(0, slash))
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
    }
  }

  @Override
  public Optional<InetSocketAddress> address(UUID appId) {
    return Optional.ofNullable(nodes.get(appId)).flatMap(LocalNode::address);
  }

  @Override
  public String logTail(UUID appId, int maxBytes) {
    return LogTail.of(
        settings.nodesDir().resolve(appId.toString()).resolve("runtime.log"), maxBytes);
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
