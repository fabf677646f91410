package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.local.LocalNodeProvider;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.proxy.ProxyConfig;
import dev.mse.operator.proxy.RaTlsUpstreamTrust;
import dev.mse.operator.proxy.SniProxy;
import dev.mse.operator.store.Account;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator whose nodes lie: they run another package than the one the owner uploaded (here, the
 * same app encrypted again, which a malicious operator could swap in). The owner's CLI must see it
 * in the enclave's evidence and send nothing.
 */
class LyingNodeTest {
  @TempDir Path work;

  /**
   * Starts every node with {@code substitute} instead of the uploaded package, and, since the
   * honest provider's own RA-TLS check of its node then fails, says the node waits as soon as it
   * listens.
   */
  private record SwappingProvider(NodeProvider real, Path substitute, NodeListener listener)
      implements NodeProvider {
    @Override
    public void start(NodeSpec spec) {
      real.start(
          new NodeSpec(
              spec.appId(),
              spec.deploymentConfig(),
              substitute,
              spec.enclaveSizeMb(),
              spec.cores(),
              spec.expires()));
      Thread.ofVirtual()
          .start(
              () -> {
                for (int i = 0; i < 600; i++) {
                  Optional<NodeAddress> a = real.address(spec.appId());
                  if (a.isPresent() && listens(a.get().enclave())) {
                    listener.stateChanged(spec.appId(), NodeState.WAITING, Optional.empty());
                    return;
                  }
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
    }

    private static boolean listens(InetSocketAddress a) {
      try (Socket s = new Socket()) {
        s.connect(a, 500);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void resume(NodeSpec spec) {
      real.resume(spec);
    }

    @Override
    public List<FoundNode> findNodes() {
      return real.findNodes();
    }

    @Override
    public void discard(UUID appId) {
      real.discard(appId);
    }

    @Override
    public void stop(UUID appId) {
      real.stop(appId);
    }

    @Override
    public Optional<NodeAddress> address(UUID appId) {
      return real.address(appId);
    }

    @Override
    public String tee() {
      return real.tee();
    }

    @Override
    public String logTail(UUID appId, int maxBytes) {
      return real.logTail(appId, maxBytes);
    }

    @Override
    public NodeMetrics metrics(UUID appId) {
      return real.metrics(appId);
    }

    @Override
    public void close() {
      real.close();
    }
  }

  @Test
  void theOwnersCliRefusesToProvisionAnEnclaveThatRunsAnotherPackage() throws Exception {
    // The substitute: a real package of an app with the same name, made by the owner's CLI.
    Path decoyDir = work.resolve("decoy");
    Files.createDirectories(decoyDir);
    OperatorConfig config =
        OperatorConfig.defaults(work.resolve("operator"))
            .withApi("127.0.0.1", LoopbackPorts.free())
            .withProxy("127.0.0.1", LoopbackPorts.free());
    Path substitute = work.resolve("substitute.tar");
    LocalNodeProvider.Settings nodes =
        new LocalNodeProvider.Settings(
            config.dataDir().resolve("nodes"),
            CloudFixture.RUNTIME,
            "simulation",
            Duration.ofHours(1),
            0);
    try (Operator operator =
            Operator.start(
                config,
                listener -> {
                  try {
                    return new SwappingProvider(
                        new LocalNodeProvider(nodes, listener), substitute, listener);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
        SniProxy proxy =
            new SniProxy(
                    ProxyConfig.defaults(new InetSocketAddress("127.0.0.1", config.proxyPort())),
                    operator.routes(),
                    new RaTlsUpstreamTrust(
                        AppraisalPolicy.defaults().withAllowSimulation(true),
                        r -> r.appId() + "." + config.appsDomain()),
                    operator.traffic())
                .start()) {
      Account account =
          operator.accounts().createAccount("owner@example.test", "correct horse battery");
      String token = operator.accounts().createToken(account.id(), "tests").secret();
      MseCli.Run login =
          cli(
              work,
              "cloud",
              "login",
              "--url",
              "http://127.0.0.1:" + config.apiPort(),
              "--token",
              token);
      login.succeeded();

      Path project = work.resolve("honest");
      dev.mse.cli.owner.AppTemplate.write(
          project, "honest", Optional.of("default"), Optional.of("4g"));
      // The decoy package: the same project, packaged again (a fresh code key, so other bytes).
      cli(work, "home", "package", "--project", project.toString(), "--output", decoyDir.toString())
          .succeeded();
      try (var list = Files.list(decoyDir)) {
        Files.copy(
            list.filter(p -> p.toString().endsWith(".tar")).findFirst().orElseThrow(), substitute);
      }

      MseCli.Run deploy =
          cli(
              work,
              "cloud",
              "deploy",
              "--path",
              project.resolve("mse.toml").toString(),
              "--allow-simulation",
              "--json");
      deploy.failed();
      assertThat(deploy.err())
          .contains("does not verify")
          .containsIgnoringCase("package")
          .contains("nothing was sent to it");
      // The app was stopped, and the enclave never left its waiting state.
      var apps =
          Json.MAPPER.readTree(cli(work, "cloud", "list", "--all", "--json").succeeded().out());
      assertThat(apps).hasSize(1);
      assertThat(apps.get(0).path("status").asString()).isEqualTo("stopped");
      String log = cli(work, "cloud", "logs", apps.get(0).path("id").asString()).succeeded().out();
      assertThat(log).doesNotContain("provisioned by the owner");
    }
  }

  private static MseCli.Run cli(Path work, String... args) {
    return MseCli.run(work.resolve("conf"), args);
  }
}
