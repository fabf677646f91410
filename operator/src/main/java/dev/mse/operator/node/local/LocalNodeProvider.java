package dev.mse.operator.node.local;

import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
