package dev.mse.operator.node;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs the runtimes of apps. Implementations: {@code LocalNodeProvider} (one runtime process per
 * app on this host). State changes reach the {@link NodeListener} given at construction.
 */
public interface NodeProvider extends AutoCloseable {
  /** Starts the node of a new app and returns at once; progress goes to the listener. */
  void start(NodeSpec spec);

  /**
   * After an operator restart: re-attaches to the app's node if it still runs, else starts it again
   * (the runtime then serves from its sealed state without the owner).
   */
  void resume(NodeSpec spec);

  /**
   * Every node this provider finds on its host (a node directory, a runtime process or both), for
   * the operator to compare with its database when it starts.
   */
  List<FoundNode> findNodes();

  /**
   * Stops every runtime of a node that no live app owns and removes all it left on the host: what
   * an operator killed at the wrong moment leaves behind.
   */
  void discard(UUID appId);

  /** Stops the node of an app (graceful, then forced); no-op when it does not run. */
  void stop(UUID appId);

  /** Where the node's enclave port and app port listen, while it runs. */
  Optional<NodeAddress> address(UUID appId);

  /**
   * The TEE this provider's nodes run in ({@code simulation}, {@code gramine-sgx} or {@code tsm}):
   * the operator refuses at deploy what that TEE cannot keep confidential.
   */
  String tee();

  /** The last {@code maxBytes} bytes of the node's output (kept after it stops). */
  String logTail(UUID appId, int maxBytes);

  /**
   * Forgets what is left of nodes that ended before {@code endedBefore} (their logs); run
   * periodically.
   */
  default void purgeEnded(java.time.Instant endedBefore) {}

  /** The node's counters, or {@link NodeMetrics#NONE}. */
  NodeMetrics metrics(UUID appId);

  /**
   * Makes the provider ask {@code lease} before it acts on a node on its own (one operator of
   * several; see {@link NodeLease}).
   */
  default void leaseWith(NodeLease lease) {}

  /**
   * This instance no longer leads: stops following every node (they keep running, for the next
   * leader to {@link #resume}), ready to resume them itself if it leads again.
   */
  default void letGo() {
    close();
  }

  /** Stops watching nodes; nodes keep running, so a restarted operator re-attaches to them. */
  @Override
  void close();
}
