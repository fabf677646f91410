package dev.mse.operator.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.local.LocalNodeProvider;
import dev.mse.operator.node.runtime.RuntimeMemory;
import dev.mse.operator.testing.Deployments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's side against the real runtime (the distribution the {@code enclave} module builds,
 * which the reactor builds first), in the simulated TEE: the local provider starts it with two
 * ports, the status client reads the enclave port (state and memory), and the proxy's upstream
 * trust accepts the enclave's own RA-TLS key on the strength of the runtime's fresh evidence (in
 * operator mode the app serves that key on its app port, which needs the owner's provisioning to
 * open) and refuses it for another config digest.
 */
@Timeout(120)
class RealRuntimeNodeTest {
  private static final Path RUNTIME =
      Path.of("..", "enclave", "target", "runtime").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void theEnclavePortAnswersStatusMemoryAndEvidenceTheProxyTrusts() throws Exception {
    assertThat(RUNTIME.resolve("mse-enclave.jar"))
        .as("the runtime distribution (./mvnw -pl enclave -am package -DskipTests)")
        .exists();
    UUID id = UUID.randomUUID();
    String domain = id + ".mse.localhost";
    Deployments.Deployment d =
        Deployments.deployment(
            id,
            "hello",
            SslOrigin.OPERATOR,
            domain,
            Instant.now().plus(1, ChronoUnit.DAYS),
            Optional.empty());
    Path pkg = Files.write(dir.resolve("package.tar"), d.packageBytes());
    CompletableFuture<NodeState> waiting = new CompletableFuture<>();
    try (LocalNodeProvider nodes =
        new LocalNodeProvider(
            new LocalNodeProvider.Settings(
                dir.resolve("nodes"), RUNTIME, "simulation", Duration.ofMinutes(5), 0),
            (app, state, failure) -> {
              if (state == NodeState.WAITING || state == NodeState.FAILED) {
                waiting.complete(state);
              }
            })) {
      nodes.start(new NodeSpec(id, d.configBytes(), pkg, 1024, 1, d.config().expires()));
      try {
        assertThat(waiting.get(90, TimeUnit.SECONDS))
            .as(nodes.logTail(id, 4096))
            .isEqualTo(NodeState.WAITING);
        NodeAddress address = nodes.address(id).orElseThrow();
        assertThat(address.app()).isNotEqualTo(address.enclave());

        // the status names the memory the app gets: the split's heap (less a survivor space)
        NodeMetrics metrics = nodes.metrics(id);
        for (int i = 0; i < 100 && metrics.heapMaxBytes() == 0; i++) {
          Thread.sleep(100);
          metrics = nodes.metrics(id);
        }
        RuntimeMemory split = RuntimeMemory.of(1024);
        assertThat(metrics.heapMaxBytes())
            .isPositive()
            .isLessThanOrEqualTo(split.heapMb() * 1024L * 1024);
        assertThat(metrics.directMaxBytes()).isEqualTo(split.directMb() * 1024L * 1024);

        RaTlsUpstreamTrust trust =
            new RaTlsUpstreamTrust(
                RaTlsNode.SIMULATION_ALLOWED,
                r -> domain,
                Clock.systemUTC(),
                Duration.ofMinutes(1));
        Route route =
            new Route(
                id,
                address.enclave(),
                address.enclave(),
                Route.Mode.TERMINATE,
                d.config().sha256());
        try (SSLSocket s = (SSLSocket) trust.contextFor(route).getSocketFactory().createSocket()) {
          s.connect(address.enclave(), 5_000);
          s.startHandshake();
          trust.confirm(route, s.getSession());
        }
        Route other =
            new Route(
                id,
                address.enclave(),
                address.enclave(),
                Route.Mode.TERMINATE,
                RaTlsNode.sha256("another config"));
        try (SSLSocket s = (SSLSocket) trust.contextFor(other).getSocketFactory().createSocket()) {
          s.connect(address.enclave(), 5_000);
          assertThatThrownBy(s::startHandshake)
              .isInstanceOf(SSLHandshakeException.class)
              .hasMessageContaining("config-sha256");
        }
      } finally {
        nodes.stop(id);
      }
    }
  }
}
