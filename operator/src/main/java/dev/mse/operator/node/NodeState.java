package dev.mse.operator.node;

/**
 * Where a node is, as the operator sees it. {@code WAITING} is the runtime's "waiting for its
 * owner" (the API shows it as {@code initializing}, as the original did).
 */
public enum NodeState {
  SPAWNING,
  WAITING,
  RUNNING,
  FAILED,
  STOPPED;

  /** True when the node will not change state any more. */
  public boolean isFinal() {
    return this == FAILED || this == STOPPED;
  }
}
