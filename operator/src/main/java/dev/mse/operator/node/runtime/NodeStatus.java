package dev.mse.operator.node.runtime;

import dev.mse.operator.node.NodeMetrics;
import java.util.Optional;

/**
 * What a runtime says about itself at {@code /.well-known/mse/status}.
 *
 * @param state waiting, initializing, running or failed
 * @param failure why, when failed
 * @param metrics its request counters and memory (cpu left at 0: the process is measured from
 *     outside)
 */
public record NodeStatus(String state, Optional<String> failure, NodeMetrics metrics) {}
