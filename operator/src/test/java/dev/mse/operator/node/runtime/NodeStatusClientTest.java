package dev.mse.operator.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.sim.SimulatedPccs;
import dev.mse.attestation.sim.SimulatedTee;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.SimulatedEnclavePort;
import dev.mse.protocol.deploy.DeploymentConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node status client tells "the node's evidence is refused" (a reason the app fails with at
 * once) from "the node does not answer yet" and "its collateral is still missing or out of date"
 * (both waited on); collateral the certificate holds past its next update is fetched from the PCCS.
 */
@Timeout(60)
class NodeStatusClientTest {
  private final DeploymentConfig config = Deployments.selfMode("status", "apps.test").config();
  private SimulatedEnclavePort node;
  @TempDir Path cache;

  @AfterEach
  void stop() throws IOException {
    if (node != null) {
      node.close();
    }
  }

  /** A node whose certificate carries collateral issued {@code age} ago, or none. */
  private int serve(Duration age, boolean withCollateral) throws Exception {
    node =
        new SimulatedEnclavePort(
            config, Clock.offset(Clock.systemUTC(), age.negated()), withCollateral);
    return node.port();
  }

  private int serve(boolean withCollateral) throws Exception {
    return serve(Duration.ZERO, withCollateral);
  }

  private NodeStatusClient client(int port, boolean allowSimulation) {
    return client(port, allowSimulation, Optional.empty());
  }

  private NodeStatusClient client(int port, boolean allowSimulation, Optional<URI> pccs) {
    return new NodeStatusClient(
        port, config, AppraisalPolicy.defaults().withAllowSimulation(allowSimulation), pccs, cache);
  }

  private static SimulatedPccs pccs() throws IOException {
    return SimulatedPccs.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        Clock.systemUTC(),
        SimulatedPccs.DEFAULT_VALIDITY);
  }

  @Test
  void answersTheStatusOfANodeWhoseEvidenceVerifies() throws Exception {
    NodeStatusClient client = client(serve(true), true);
    assertThat(client.status()).map(NodeStatus::state).contains("waiting");
    assertThat(client.refusal()).isEmpty();
    client.close();
  }

  @Test
  void saysWhyTheNodesEvidenceIsRefused() throws Exception {
    NodeStatusClient client = client(serve(true), false);
    assertThat(client.status()).isEmpty();
    assertThat(client.refusal()).hasValueSatisfying(r -> assertThat(r).contains("simulated TEE"));
    assertThat(client.missingCollateral()).isEmpty();
    client.close();
  }

  @Test
  void waitsForCollateralThatIsStillMissing() throws Exception {
    NodeStatusClient client = client(serve(false), true);
    assertThat(client.status()).isEmpty();
    assertThat(client.refusal()).isEmpty();
    assertThat(client.missingCollateral())
        .hasValueSatisfying(r -> assertThat(r).contains("no collateral"));
    client.close();
  }

  @Test
  void collateralInTheCertificatePastItsNextUpdateIsFetchedFromThePccs() throws Exception {
    int port = serve(SimulatedTee.COLLATERAL_LIFETIME.plusDays(1), true);
    try (SimulatedPccs pccs = pccs()) {
      NodeStatusClient client = client(port, true, Optional.of(pccs.url()));
      assertThat(client.status()).map(NodeStatus::state).contains("waiting");
      assertThat(pccs.served()).as("the client asked the PCCS").isPositive();
      client.close();
    }
  }

  @Test
  void collateralPastItsNextUpdateThatCannotBeRefreshedIsMissingNotARefusal() throws Exception {
    int port = serve(SimulatedTee.COLLATERAL_LIFETIME.plusDays(1), true);
    URI down;
    try (SimulatedPccs gone = pccs()) {
      down = gone.url();
    }
    for (Optional<URI> pccs : java.util.List.of(Optional.<URI>empty(), Optional.of(down))) {
      NodeStatusClient client = client(port, true, pccs);
      assertThat(client.status()).isEmpty();
      assertThat(client.refusal()).as("with PCCS %s", pccs).isEmpty();
      assertThat(client.missingCollateral())
          .as("with PCCS %s", pccs)
          .hasValueSatisfying(r -> assertThat(r).contains("expired at"));
      client.close();
    }
  }

  @Test
  void aNodeThatDoesNotAnswerIsNotRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    NodeStatusClient client = client(port, true);
    assertThat(client.status()).isEmpty();
    assertThat(client.refusal()).isEmpty();
    assertThat(client.missingCollateral()).isEmpty();
    client.close();
  }
}
