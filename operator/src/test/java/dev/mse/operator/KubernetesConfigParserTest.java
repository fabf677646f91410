package dev.mse.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code node_provider} and {@code [kubernetes]} in operator.toml: strict, as the rest. */
class KubernetesConfigParserTest {
  static final Path BASE = Path.of("/etc/mse");

  static OperatorConfig parse(String toml) throws OperatorConfigException {
    return OperatorConfigParser.parse(toml, BASE);
  }

  @Test
  void localIsTheDefault() throws Exception {
    OperatorConfig c = parse("");
    assertThat(c.nodeProvider()).isEqualTo("local");
    assertThat(c.kubernetes()).isEmpty();
    assertThat(parse("node_provider = \"local\"\n").kubernetes()).isEmpty();
  }

  @Test
  void everyKeyOfTheKubernetesTableIsRead() throws Exception {
    OperatorConfig c =
        parse(
            """
            node_provider = "kubernetes"
            [[hardware]]
            name = "4g"
            memory_mb = 4096
            cores = 2
            enclave_size_mb = 1024
            [[hardware]]
            name = "8g"
            memory_mb = 8192
            cores = 4
            enclave_size_mb = 2048
            [kubernetes]
            namespace = "tee-apps"
            api_url = "https://10.0.0.1:6443"
            tee = "tsm"
            runtime_class = "kata-qemu-tdx"
            storage_class = "fast"
            state_size_mb = 512
            run_as_user = 20000
            max_restarts = 5
            [kubernetes.images]
            tsm = "registry.example/mse-runtime:1"
            simulation = "registry.example/mse-runtime-sim:1"
            [kubernetes.runtime_classes]
            "8g" = "kata-qemu-snp"
            [kubernetes.proxy_labels]
            "app.kubernetes.io/name" = "mse"
            tier = "edge"
            """);
    assertThat(c.nodeProvider()).isEqualTo("kubernetes");
    OperatorConfig.Kubernetes k = c.kubernetes().orElseThrow();
    assertThat(k.namespace()).isEqualTo("tee-apps");
    assertThat(k.apiUrl()).contains("https://10.0.0.1:6443");
    assertThat(k.tee()).isEqualTo("tsm");
    assertThat(k.image()).isEqualTo("registry.example/mse-runtime:1");
    assertThat(k.runtimeClassOf("4g")).contains("kata-qemu-tdx");
    assertThat(k.runtimeClassOf("8g")).contains("kata-qemu-snp");
    assertThat(k.storageClass()).contains("fast");
    assertThat(k.stateSizeMb()).isEqualTo(512);
    assertThat(k.runAsUser()).isEqualTo(20000);
    assertThat(k.maxRestarts()).isEqualTo(5);
    assertThat(k.proxyLabels()).isEqualTo(Map.of("app.kubernetes.io/name", "mse", "tier", "edge"));
  }

  @Test
  void theDefaultsOfAMinimalTable() throws Exception {
    OperatorConfig.Kubernetes k =
        parse(
                """
                node_provider = "kubernetes"
                [kubernetes]
                tee = "simulation"
                [kubernetes.images]
                simulation = "mse-runtime:dev"
                """)
            .kubernetes()
            .orElseThrow();
    assertThat(k.namespace()).isEqualTo("mse");
    assertThat(k.apiUrl()).isEmpty();
    assertThat(k.runtimeClassOf("4g")).isEmpty();
    assertThat(k.storageClass()).isEmpty();
    assertThat(k.stateSizeMb()).isEqualTo(1024);
    assertThat(k.proxyLabels()).isEqualTo(Map.of("app.kubernetes.io/name", "mse-operator"));
    assertThat(k.runAsUser()).isEqualTo(10001);
    assertThat(k.maxRestarts()).isEqualTo(3);
    assertThat(k.runtimeClass()).isEqualTo(Optional.empty());
  }

  @Test
  void mistakesAreRefusedWithOneClearMessage() {
    String table =
        """
        [kubernetes]
        tee = "simulation"
        [kubernetes.images]
        simulation = "x"
        """;
    assertRefused(
        "node_provider = \"kubernetes\"\n" + table.replace("tee", "tea"),
        "unknown key 'tea' in [kubernetes]");
    assertRefused(table, "[kubernetes] is set but node_provider is not \"kubernetes\"");
    assertRefused("node_provider = \"kubernetes\"\n", "needs a [kubernetes] table");
    assertRefused("node_provider = \"k8s\"\n", "node_provider must be \"local\" or \"kubernetes\"");
    assertRefused(
        "node_provider = \"kubernetes\"\n[kubernetes]\ntee = \"simulation\"\n",
        "[kubernetes.images] needs the image for tee 'simulation'");
    assertRefused(
        "node_provider = \"kubernetes\"\n[kubernetes]\n[kubernetes.images]\nsimulation = \"x\"\n",
        "[kubernetes] needs tee");
    assertRefused(
        "node_provider = \"kubernetes\"\n[kubernetes]\ntee = \"sgx\"\n[kubernetes.images]\nsgx = \"x\"\n",
        "unknown key 'sgx' in [kubernetes.images]");
    assertRefused(
        "node_provider = \"kubernetes\"\n"
            + table.replace("[kubernetes]\n", "[kubernetes]\nnamespace = \"Bad_NS\"\n"),
        "namespace is not a valid namespace name");
    assertRefused(
        "node_provider = \"kubernetes\"\n"
            + table
            + "[kubernetes.runtime_classes]\n\"16g\" = \"kata\"\n",
        "[kubernetes.runtime_classes] '16g' is not one of the offers");
    // a confidential VM per pod needs a runtime class: without one the pod runs in no TEE
    assertRefused(
        "node_provider = \"kubernetes\"\n[kubernetes]\ntee = \"tsm\"\n[kubernetes.images]\ntsm = \"x\"\n",
        "tee 'tsm' needs a runtime_class");
    assertRefused(
        "node_provider = \"kubernetes\"\n" + table + "[kubernetes.proxy_labels]\n",
        "[kubernetes.proxy_labels] must name at least one label");
    assertRefused(
        "node_provider = \"kubernetes\"\n"
            + table.replace("[kubernetes]\n", "[kubernetes]\nmax_restarts = -1\n"),
        "max_restarts must be between 0 and 100");
  }

  private static void assertRefused(String toml, String message) {
    assertThatThrownBy(() -> parse(toml))
        .isInstanceOf(OperatorConfigException.class)
        .hasMessageContaining(message);
  }
}
