package dev.mse.operator.testing;

import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node provider that runs nothing: it records calls and lets the test play the node's part
 * ({@link #report}). Started nodes get fake addresses (enclave port, app port) and a line of
 * output.
 */
public final class RecordingNodeProvider implements NodeProvider {
  public final List<NodeSpec> started = new CopyOnWriteArrayList<>();
  public final List<NodeSpec> resumed = new CopyOnWriteArrayList<>();
  public final List<UUID> stopped = new CopyOnWriteArrayList<>();

  /** What {@link #findNodes()} reports: the test puts the host's nodes here. */
  public final List<FoundNode> onHost = new CopyOnWriteArrayList<>();

  public final List<UUID> discarded = new CopyOnWriteArrayList<>();
  public final Map<UUID, String> logs = new ConcurrentHashMap<>();
  public final Map<UUID, NodeMetrics> metrics = new ConcurrentHashMap<>();
  private final Map<UUID, NodeAddress> addresses = new ConcurrentHashMap<>();

  /** The TEE the provider says its nodes run in. */
  public volatile String tee = "simulation";

  private final NodeListener listener;
  private int nextPort = 20_000;
  public volatile boolean closed;

  public RecordingNodeProvider(NodeListener listener) {
    this.listener = listener;
  }

  @Override
  public synchronized void start(NodeSpec spec) {
    started.add(spec);
    addresses.put(spec.appId(), nextAddress());
    logs.put(spec.appId(), "node " + spec.appId() + " started\n");
  }

  @Override
  public synchronized void resume(NodeSpec spec) {
    resumed.add(spec);
    addresses.put(spec.appId(), nextAddress());
  }

  private NodeAddress nextAddress() {
    InetSocketAddress enclave = InetSocketAddress.createUnresolved("127.0.0.1", nextPort++);
    return new NodeAddress(enclave, InetSocketAddress.createUnresolved("127.0.0.1", nextPort++));
  }

  @Override
  public List<FoundNode> findNodes() {
    return List.copyOf(onHost);
  }

  @Override
  public void discard(UUID appId) {
    discarded.add(appId);
    onHost.removeIf(n -> n.appId().equals(appId));
  }

  @Override
  public void stop(UUID appId) {
    stopped.add(appId);
    addresses.remove(appId);
  }

  @Override
  public Optional<NodeAddress> address(UUID appId) {
    return Optional.ofNullable(addresses.get(appId));
  }

  @Override
  public String tee() {
    return tee;
  }

  @Override
  public String logTail(UUID appId, int maxBytes) {
    return logs.getOrDefault(appId, "");
  }

  @Override
  public NodeMetrics metrics(UUID appId) {
    return metrics.getOrDefault(appId, NodeMetrics.NONE);
  }

  /** Plays the node: reports a state change as the real provider would. */
  public void report(UUID appId, NodeState state, Optional<String> failure) {
    listener.stateChanged(appId, state, failure);
  }

  @Override
  public void close() {
    closed = true;
  }
}
