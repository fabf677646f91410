package dev.mse.operator.node.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import org.junit.jupiter.api.Test;

/** What a pod's status says about its node. */
class PodObservationTest {
  static PodBuilder pod() {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata();
  }

  @Test
  void aPodWithoutStatusIsStarting() {
    assertThat(PodObservation.of(pod().build())).isInstanceOf(PodObservation.Starting.class);
    assertThat(PodObservation.of(pod().withNewStatus().withPhase("Pending").endStatus().build()))
        .isInstanceOf(PodObservation.Starting.class);
  }

  @Test
  void runningButNotReadyIsWaitingAndReadyWithAnAddressIsServing() {
    Pod waiting =
        pod().withNewStatus().withPhase("Running").withPodIP("10.0.0.1").endStatus().build();
    assertThat(PodObservation.of(waiting)).isInstanceOf(PodObservation.Waiting.class);
    Pod ready =
        pod()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("10.0.0.1")
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
            .endStatus()
            .build();
    assertThat(PodObservation.of(ready)).isEqualTo(new PodObservation.Serving("10.0.0.1"));
  }

  @Test
  void aFailedOrTerminatedPodEndedWithTheExitCode() {
    Pod failed =
        pod()
            .withNewStatus()
            .withPhase("Failed")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("runtime")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(137)
                    .withReason("OOMKilled")
                    .endTerminated()
                    .endState()
                    .build())
            .endStatus()
            .build();
    assertThat(PodObservation.of(failed))
        .isEqualTo(new PodObservation.Ended("the runtime exited with code 137 (OOMKilled)"));
    Pod evicted =
        pod()
            .withNewStatus()
            .withPhase("Failed")
            .withReason("Evicted")
            .withMessage("low on memory")
            .endStatus()
            .build();
    assertThat(PodObservation.of(evicted))
        .isEqualTo(new PodObservation.Ended("the pod ended: Evicted: low on memory"));
  }

  @Test
  void aBadImageIsBrokenAndADeletedPodIsLeaving() {
    Pod bad =
        pod()
            .withNewStatus()
            .withPhase("Pending")
            .withInitContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("package")
                    .withNewState()
                    .withNewWaiting()
                    .withReason("InvalidImageName")
                    .endWaiting()
                    .endState()
                    .build())
            .endStatus()
            .build();
    assertThat(PodObservation.of(bad)).isInstanceOf(PodObservation.Broken.class);
    Pod leaving =
        pod()
            .editMetadata()
            .withDeletionTimestamp("2026-01-01T00:00:00Z")
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    assertThat(PodObservation.of(leaving)).isInstanceOf(PodObservation.Leaving.class);
  }
}
