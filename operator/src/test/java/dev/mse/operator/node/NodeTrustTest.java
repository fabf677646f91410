package dev.mse.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy an operator holds its nodes' evidence to: the defaults, or its node_policy. */
class NodeTrustTest {
  @TempDir Path dir;

  @Test
  void acceptsSimulatedEvidenceFromSimulationNodesOnlyByDefault() throws Exception {
    OperatorConfig config = OperatorConfig.defaults(dir);
    assertThat(NodeTrust.policy(config, "simulation").allowSimulation()).isTrue();
    assertThat(NodeTrust.policy(config, "tsm").allowSimulation()).isFalse();
    assertThat(NodeTrust.policy(config, "tsm").acceptedStatuses())
        .isEqualTo(AppraisalPolicy.defaults().acceptedStatuses());
  }

  @Test
  void aNodePolicyCanAllowTheSimulatedSnpSignerAndAnOutOfDateTcb() throws Exception {
    Path file = dir.resolve("node-policy.toml");
    Files.writeString(
        file,
        """
        [tcb]
        allow_simulation = true
        accepted_statuses = ["UpToDate", "OutOfDate"]
        """);
    AppraisalPolicy policy =
        NodeTrust.policy(OperatorConfig.defaults(dir).withNodePolicy(file), "tsm");
    assertThat(policy.allowSimulation()).isTrue();
    assertThat(policy.acceptedStatuses()).contains(TcbStatus.OUT_OF_DATE);
  }

  @Test
  void aNodePolicyThatDoesNotParseStopsTheOperatorWithItsName() throws Exception {
    Path file = dir.resolve("node-policy.toml");
    Files.writeString(file, "[tcb]\nallow_simulaton = true\n");
    assertThatThrownBy(
            () -> NodeTrust.policy(OperatorConfig.defaults(dir).withNodePolicy(file), "tsm"))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("node_policy")
        .hasMessageContaining("allow_simulaton");
  }
}
