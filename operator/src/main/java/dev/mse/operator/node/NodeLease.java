package dev.mse.operator.node;

/**
 * Whether this operator may act on nodes now. Alone it always may; one of several only while it
 * holds the leader's lease ({@code cluster.ClusterMember}). A provider that acts on its own (a
 * crashed node made again) asks first, so that an ex-leader which has not yet noticed that it lost
 * the lease (paused, cut off) does not make a pod the new leader then also makes, or delete one the
 * new leader follows.
 */
@FunctionalInterface
public interface NodeLease {
  /** One operator alone: it always leads. */
  NodeLease ALONE =
      action -> {
        action.run();
        return true;
      };

  /**
   * Runs {@code action} if this instance leads, and keeps another from taking the lease until it
   * ends (the action must not wait for the database); false, without running it, if it does not
   * lead.
   */
  boolean act(Runnable action);
}
