package dev.mse.cli.home;

import dev.mse.cli.enclave.EnclaveClient;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a home app is doing now: {@code stopped} when its runtime process is gone, else the state
 * its runtime reports ({@code waiting}, {@code initializing}, {@code running}, {@code failed}), or
 * {@code unreachable}.
 */
record NodeState(String state, Optional<String> failure, Optional<Long> pid) {
  static NodeState of(HomeApp app) {
    Optional<ProcessHandle> process = RuntimeProcess.find(app);
    if (process.isEmpty()) {
      return new NodeState("stopped", Optional.empty(), Optional.empty());
    }
    Optional<Long> pid = Optional.of(process.get().pid());
    try {
      JsonNode status = NodeClient.verifying(app, LocalNode.config(app)).status().json();
      return new NodeState(
          status.path("state").asString("unknown"),
          status.has("failure") ? Optional.of(status.get("failure").asString()) : Optional.empty(),
          pid);
    } catch (EnclaveClient.Unreachable e) {
      return new NodeState("unreachable", Optional.of(e.getMessage()), pid);
    }
  }
}
