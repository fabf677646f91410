package dev.mse.operator.apps;

import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeState;
import java.util.Optional;
import java.util.UUID;

/**
 * The listener a node provider is built with. The provider exists before the {@link AppService}
 * that uses it, so events are forwarded once the service is attached (nodes are only started or
 * resumed after that).
 */
public final class NodeEvents implements NodeListener {
  private volatile AppService target;

  void attach(AppService service) {
    this.target = service;
  }

  @Override
  public void stateChanged(UUID appId, NodeState state, Optional<String> failure) {
    AppService service = target;
    if (service != null) {
      service.nodeStateChanged(appId, state, failure);
    }
  }
}
