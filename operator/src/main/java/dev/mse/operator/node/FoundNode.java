package dev.mse.operator.node;

import java.util.UUID;

/**
 * What a node provider finds of one node on its host when the operator starts, whether or not an
 * app of the database owns it.
 *
 * @param appId the app the node was started for
 * @param runtimeRuns whether a runtime process of the node runs
 * @param sealedState whether the node holds a sealed state, so that a new runtime serves again
 *     without its owner
 */
public record FoundNode(UUID appId, boolean runtimeRuns, boolean sealedState) {
  /** True when the node serves again after a resume: it runs, or it can restart by itself. */
  public boolean canResume() {
    return runtimeRuns || sealedState;
  }
}
