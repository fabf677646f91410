package dev.mse.operator.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsReason;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.attestation.sim.SimulatedPccs;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.console.ConsoleViews.EvidenceView;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeTrust;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.SimulatedEnclavePort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's evidence view appraises a node as the operator's status client does: under the
 * operator's {@code node_policy}, with collateral from its {@code pccs_url} when the node's
 * certificate carries none valid now. A node the operator would refuse is never shown as accepted.
 */
@Timeout(60)
class EvidenceProbeTest {
  @TempDir Path dir;

  private final Deployments.Deployment deployment = Deployments.selfMode("probe", "apps.test");

  private AppRecord app() {
    Instant now = Instant.now();
    return new AppRecord(
        deployment.appId(),
        "probe",
        java.util.UUID.randomUUID(),
        "small",
        AppStatus.SPAWNING,
        SslOrigin.SELF,
        deployment.config().domain(),
        deployment.configBytes(),
        deployment.config().packageSha256().hex(),
        dir.resolve("package.tar"),
        "app.jar",
        "/",
        now,
        Optional.empty(),
        Optional.empty(),
        deployment.config().expires(),
        Optional.empty());
  }

  private EvidenceProbe.Verified verify(OperatorConfig config, SimulatedEnclavePort node)
      throws Exception {
    InetSocketAddress enclave =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port());
    EvidenceProbe probe =
        new EvidenceProbe(Clock.systemUTC(), "simulation", NodeTrust.of(config, "simulation"));
    return probe.verify(app(), new NodeAddress(enclave, enclave));
  }

  private RaTlsAppraisal probe(OperatorConfig config, SimulatedEnclavePort node) throws Exception {
    return verify(config, node).appraisal();
  }

  @Test
  void aNodeAcceptedByTheDefaultPolicyIsAccepted() throws Exception {
    try (SimulatedEnclavePort node =
        SimulatedEnclavePort.withValidCollateral(deployment.config())) {
      assertThat(probe(OperatorConfig.defaults(dir), node).accepted()).isTrue();
    }
  }

  @Test
  void aNodeTheNodePolicyRefusesShowsAsRefused() throws Exception {
    Path policy = dir.resolve("node-policy.toml");
    Files.writeString(policy, "[sgx]\nmrenclave = [\"" + "33".repeat(32) + "\"]\n");
    try (SimulatedEnclavePort node =
        SimulatedEnclavePort.withValidCollateral(deployment.config())) {
      EvidenceView view =
          AppPages.evidenceView(verify(OperatorConfig.defaults(dir).withNodePolicy(policy), node));
      assertThat(view.accepted()).isFalse();
      assertThat(view.reasons()).anySatisfy(m -> assertThat(m).containsIgnoringCase("mrenclave"));
    }
  }

  @Test
  void collateralTheNodeLacksComesFromThePccsWhichRevokedItsKey() throws Exception {
    try (SimulatedPccs pccs =
            SimulatedPccs.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Clock.systemUTC(),
                SimulatedPccs.DEFAULT_VALIDITY);
        SimulatedEnclavePort node =
            new SimulatedEnclavePort(deployment.config(), Clock.systemUTC(), false)) {
      pccs.revokePck();
      RaTlsAppraisal a = probe(OperatorConfig.defaults(dir).withPccsUrl(pccs.url()), node);
      assertThat(pccs.served()).as("the console asked the operator's PCCS").isPositive();
      assertThat(a.accepted()).isFalse();
      assertThat(a.reasons())
          .extracting(RaTlsReason::message)
          .anySatisfy(m -> assertThat(m).containsIgnoringCase("revoked"));
    }
  }
}
