package dev.mse.operator.node.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one version of a node's pod, as a watch delivers it, says about the node. A pure function of
 * the pod, so the mapping is tested on its own.
 */
public sealed interface PodObservation {
  /** Scheduled or not yet, image pulling, init container assembling the package. */
  record Starting() implements PodObservation {}

  /** The runtime runs; the app's port does not answer yet (waiting for its owner, starting). */
  record Waiting() implements PodObservation {}

  /** The app's own TLS server answers: the runtime was provisioned and started it. */
  record Serving(String podIp) implements PodObservation {}

  /** The pod ended (the runtime exited, was killed or evicted): the node may be made again. */
  record Ended(String reason) implements PodObservation {}

  /**
   * The pod cannot start as it is (a bad image name, a config error): making it again won't help.
   */
  record Broken(String reason) implements PodObservation {}

  /** Being deleted: nothing to report. */
  record Leaving() implements PodObservation {}

  /** Waiting reasons that no new pod would cure. */
  Set<String> BROKEN =
      Set.of("InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError");

  /** What {@code pod} says. */
  static PodObservation of(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return new Leaving();
    }
    var status = pod.getStatus();
    String phase = status == null || status.getPhase() == null ? "Pending" : status.getPhase();
    List<ContainerStatus> containers =
        status == null || status.getContainerStatuses() == null
            ? List.of()
            : status.getContainerStatuses();
    List<ContainerStatus> inits =
        status == null || status.getInitContainerStatuses() == null
            ? List.of()
            : status.getInitContainerStatuses();
    for (ContainerStatus c : concat(inits, containers)) {
      ContainerStateWaiting waiting = c.getState() == null ? null : c.getState().getWaiting();
      if (waiting != null && BROKEN.contains(waiting.getReason())) {
        return new Broken(
            waiting.getReason()
                + Optional.ofNullable(waiting.getMessage()).map(m -> ": " + m).orElse(""));
      }
    }
    switch (phase) {
      case "Failed", "Succeeded" -> {
        return new Ended(endReason(status.getReason(), status.getMessage(), containers));
      }
      case "Running" -> {
        for (ContainerStatus c : containers) {
          ContainerStateTerminated t = c.getState() == null ? null : c.getState().getTerminated();
          if (t != null) {
            return new Ended(endReason(null, null, containers));
          }
        }
        String ip = status.getPodIP();
        return ready(status.getConditions()) && ip != null && !ip.isBlank()
            ? new Serving(ip)
            : new Waiting();
      }
      default -> {
        return new Starting();
      }
    }
  }

  private static boolean ready(List<PodCondition> conditions) {
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String endReason(String reason, String message, List<ContainerStatus> containers) {
    for (ContainerStatus c : containers) {
      ContainerStateTerminated t = c.getState() == null ? null : c.getState().getTerminated();
      if (t != null) {
        return "the runtime exited with code "
            + t.getExitCode()
            + Optional.ofNullable(t.getReason()).map(r -> " (" + r + ")").orElse("");
      }
    }
    if (reason != null) {
      return "the pod ended: "
          + reason
          + Optional.ofNullable(message).map(m -> ": " + m).orElse("");
    }
    return "the pod ended";
  }

  private static List<ContainerStatus> concat(List<ContainerStatus> a, List<ContainerStatus> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
