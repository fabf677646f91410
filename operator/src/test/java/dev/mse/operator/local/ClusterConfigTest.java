package dev.mse.operator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorConfigException;
import dev.mse.operator.OperatorConfigParser;
import dev.mse.operator.testing.RecordingNodeProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [cluster]}: declared in operator.toml; refused on H2, and by the local provider unless
 * every instance runs on this host with one nodes directory.
 */
class ClusterConfigTest {
  @TempDir Path dir;

  @Test
  void readsTheClusterTable() throws Exception {
    OperatorConfig alone = OperatorConfigParser.parse("", dir);
    assertThat(alone.cluster()).isEqualTo(OperatorConfig.Cluster.SINGLE);
    OperatorConfig shared =
        OperatorConfigParser.parse("[cluster]\nenabled = true\nshared_host = true\n", dir);
    assertThat(shared.cluster()).isEqualTo(new OperatorConfig.Cluster(true, true));
  }

  @Test
  void refusesWhatIsNotOneLine() {
    assertThatThrownBy(() -> OperatorConfigParser.parse("[cluster]\nshared_host = true\n", dir))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("shared_host needs enabled = true");
    assertThatThrownBy(() -> OperatorConfigParser.parse("[cluster]\nleader = true\n", dir))
        .isInstanceOf(OperatorConfigException.class);
  }

  @Test
  void theLocalProviderRefusesSeveralInstancesUnlessTheyShareThisHost() throws Exception {
    OperatorConfig several =
        OperatorConfigParser.parse("[cluster]\nenabled = true\n", dir)
            .withDatabaseUrl("jdbc:postgresql://127.0.0.1:5432/test");
    assertThatThrownBy(() -> LocalOperator.refuseSeveralHosts(several))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("the local node provider runs apps as processes of this host")
        .hasMessageContaining("shared_host = true")
        .message()
        .doesNotContain("\n");

    OperatorConfig sharedHost = several.withCluster(new OperatorConfig.Cluster(true, true));
    assertThatThrownBy(() -> LocalOperator.refuseSeveralHosts(sharedHost))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("needs [isolation] nodes_dir");

    LocalOperator.refuseSeveralHosts(
        sharedHost.withIsolation(sharedHost.isolation().withNodesDir(dir.resolve("nodes"))));
    LocalOperator.refuseSeveralHosts(OperatorConfig.defaults(dir));
  }

  @Test
  void severalInstancesNeedPostgres() {
    OperatorConfig onH2 =
        OperatorConfig.defaults(dir.resolve("data"))
            .withApi("127.0.0.1", 0)
            .withCluster(new OperatorConfig.Cluster(true, false));
    assertThatThrownBy(() -> Operator.start(onH2, RecordingNodeProvider::new))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining("[cluster] enabled needs PostgreSQL");
  }
}
