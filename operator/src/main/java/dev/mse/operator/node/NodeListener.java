package dev.mse.operator.node;

import java.util.Optional;
import java.util.UUID;

/** Told by a node provider whenever a node changes state. Called from the provider's threads. */
@FunctionalInterface
public interface NodeListener {
  /**
   * @param appId the app whose node changed
   * @param state its new state
   * @param failure why, when {@code state} is {@link NodeState#FAILED}
   */
  void stateChanged(UUID appId, NodeState state, Optional<String> failure);
}
