package dev.mse.operator.node.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorConfigParser;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.store.Account;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.MutableClock;
import dev.mse.operator.testing.OperatorFixture;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole operator with {@code node_provider = "kubernetes"} against fabric8's Kubernetes mock
 * server (CRUD mode, plain HTTP): what {@code mse operator serve --config operator.toml} starts
 * ({@link OperatorConfigParser#read} then {@link LocalOperator#start}), a deployment through the
 * API, the pod it makes, the status the watch reports, the stop and the expiry. No runtime runs in
 * the mock: the test writes the pods' status as a kubelet would.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesOperatorTest {
  static final String NS = "apps";
  static final java.util.logging.Logger MOCK_LOG = MockServerLogs.quiet();

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  @Test
  void serveWithTheKubernetesProviderDeploysAPodThroughTheApiAndStopDeletesIt() throws Exception {
    Path toml = dir.resolve("operator.toml");
    Files.writeString(
        toml,
        """
        data_dir = "data"
        node_provider = "kubernetes"
        [api]
        port = 0
        [proxy]
        port = %d
        [kubernetes]
        namespace = "%s"
        api_url = "%s"
        tee = "simulation"
        state_size_mb = 128
        [kubernetes.images]
        simulation = "mse-runtime:test"
        """
            .formatted(LoopbackPorts.free(), NS, client.getMasterUrl()));
    OperatorConfig config = OperatorConfigParser.read(toml);
    try (LocalOperator operator =
        LocalOperator.start(
            new LocalOperator.Settings(config, dir.resolve("no-runtime-here"), "tsm"))) {
      Account account =
          operator.operator().accounts().createAccount("k8s@example.com", OperatorFixture.PASSWORD);
      String token = operator.operator().accounts().createToken(account.id(), "t").secret();
      ApiClient api = new ApiClient(operator.apiUri(), Optional.of(token));
      Deployments.Deployment d = Deployments.selfMode("hello", config.appsDomain());
      assertThat(api.deploy("default", "4g", d.configBytes(), d.packageBytes()).status())
          .isEqualTo(201);

      String pod = NodeObjects.podName(d.appId(), 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> pod(pod) != null);
      Pod made = pod(pod);
      // the [kubernetes] table's TEE, not the one the command line guessed
      assertThat(made.getMetadata().getLabels())
          .containsEntry(NodeObjects.TEE_LABEL, "simulation")
          .containsEntry(NodeObjects.OFFER_LABEL, "4g")
          .containsEntry(NodeObjects.APP_LABEL, d.appId().toString());
      assertThat(made.getSpec().getContainers().getFirst().getImage())
          .isEqualTo("mse-runtime:test");

      // the kubelet's part: the runtime came up and its app serves
      ready(pod, "10.4.0.7");
      await().atMost(Duration.ofSeconds(30)).until(() -> status(api, d.appId()).equals("running"));
      // the SNI proxy routes the app's name to the pod's app port
      assertThat(operator.operator().routes().route(d.appId() + "." + config.appsDomain()))
          .hasValueSatisfying(
              r -> {
                assertThat(r.node().getHostString()).isEqualTo("10.4.0.7");
                assertThat(r.node().getPort()).isEqualTo(NodeObjects.APP_PORT);
              });

      assertThat(api.postEmpty("/api/v1/apps/" + d.appId() + "/stop").status()).isEqualTo(202);
      assertThat(status(api, d.appId())).isEqualTo("stopped");
      assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();
      assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
      assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems()).isEmpty();
      assertThat(client.network().networkPolicies().inNamespace(NS).list().getItems()).isEmpty();
    }
  }

  @Test
  void anExpiredAppsNodeIsDeletedWithEverythingItOwned() throws Exception {
    OperatorConfig.Kubernetes k8s = KubernetesNodeProviderTest.settings(3);
    OperatorConfig config =
        OperatorConfig.defaults(dir.resolve("data")).withApi("127.0.0.1", 0).withKubernetes(k8s);
    MutableClock clock = new MutableClock();
    try (Operator operator =
        Operator.start(
            config, listener -> new KubernetesNodeProvider(client, k8s, 100, listener), clock)) {
      Account account =
          operator.accounts().createAccount("exp@example.com", OperatorFixture.PASSWORD);
      ApiClient api =
          new ApiClient(
              operator.apiUri(),
              Optional.of(operator.accounts().createToken(account.id(), "t").secret()));
      Deployments.Deployment d = Deployments.selfMode("short", config.appsDomain());
      assertThat(api.deploy("default", "4g", d.configBytes(), d.packageBytes()).status())
          .isEqualTo(201);
      String pod = NodeObjects.podName(d.appId(), 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> pod(pod) != null);
      String ns = k8s.namespace();
      assertThat(client.configMaps().inNamespace(ns).list().getItems()).isNotEmpty();

      operator.apps().enforceExpiry();
      assertThat(pod(pod)).as("not expired yet").isNotNull();
      clock.advance(Duration.ofDays(31));
      operator.apps().enforceExpiry();
      assertThat(status(api, d.appId())).isEqualTo("stopped");
      assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(client.network().networkPolicies().inNamespace(ns).list().getItems()).isEmpty();
    }
  }

  /** The pod {@code name}, in whichever of the two tests' namespaces it is. */
  private Pod pod(String name) {
    Pod p = client.pods().inNamespace(NS).withName(name).get();
    return p != null
        ? p
        : client.pods().inNamespace(KubernetesNodeProviderTest.NS).withName(name).get();
  }

  private void ready(String name, String ip) {
    client
        .pods()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            p -> {
              if (p.getStatus() == null) {
                p.setStatus(new PodStatus());
              }
              p.getStatus().setPhase("Running");
              p.getStatus().setPodIP(ip);
              p.getStatus()
                  .setConditions(
                      List.of(
                          new PodConditionBuilder().withType("Ready").withStatus("True").build()));
              return p;
            });
  }

  private static String status(ApiClient api, UUID app) throws Exception {
    return api.get("/api/v1/apps/" + app).json().path("status").asString();
  }
}
