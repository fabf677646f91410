package dev.mse.operator.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.sim.SimulatedEnclave;
import dev.mse.attestation.sim.SimulatedTee;
import dev.mse.operator.testing.Deployments;
import dev.mse.protocol.deploy.DeploymentConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node status client tells "the node's evidence is refused" (a reason the app fails with at
 * once) from "the node does not answer yet" and "its collateral is still missing" (both waited on).
 */
@Timeout(60)
class NodeStatusClientTest {
  private final DeploymentConfig config = Deployments.selfMode("status", "apps.test").config();
  private ServerSocket server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  /** A node's enclave port: TLS with an RA-TLS certificate of the simulated TEE for the config. */
  private int serve(boolean withCollateral) throws Exception {
    SimulatedTee tee = SimulatedTee.create(Clock.systemUTC());
    SimulatedEnclave enclave =
        new SimulatedEnclave(
            ByteString.fromHex("11".repeat(32)), ByteString.fromHex("22".repeat(32)), 1, 1, false);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = g.generateKeyPair();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    AttestationClaims claims =
        new AttestationClaims(
            RaTlsCertificate.pubkeyHash(key.getPublic()),
            Optional.empty(),
            config.appId(),
            config.packageSha256(),
            Optional.empty(),
            config.sha256(),
            config.sslOrigin(),
            config.tls(),
            config.domain(),
            config.expires(),
            ByteString.of(new byte[32]),
            "0.1.0",
            AttestationClaims.State.WAITING);
    var builder =
        RaTlsCertificate.builder(
                key, claims, ByteString.of(tee.quote(enclave, claims.reportData())))
            .issuedAt(now);
    if (withCollateral) {
      builder.endorsements(new CollateralBundle(tee.collateral(), now, Optional.empty()));
    }
    server =
        RaTlsSslContexts.server(key, builder.build())
            .getServerSocketFactory()
            .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
    ((SSLServerSocket) server).setUseClientMode(false);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  ((SSLSocket) s).startHandshake();
                  readHead(s);
                  s.getOutputStream()
                      .write(
                          ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                                  + "content-length: 19\r\nconnection: close\r\n\r\n"
                                  + "{\"state\":\"waiting\"}")
                              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (IOException e) {
                  // the client refused the handshake, or the test ended
                }
              }
            });
    return server.getLocalPort();
  }

  /** Reads a request's head, up to its blank line. */
  private static void readHead(Socket s) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = s.getInputStream().read();
      if (b < 0) {
        return;
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  private NodeStatusClient client(int port, boolean allowSimulation) {
    return new NodeStatusClient(
        port,
        config,
        AppraisalPolicy.defaults().withAllowSimulation(allowSimulation),
        Optional.empty(),
        Path.of("."));
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
    client.close();
  }

  @Test
  void waitsForCollateralThatIsStillMissing() throws Exception {
    NodeStatusClient client = client(serve(false), true);
    assertThat(client.status()).isEmpty();
    assertThat(client.refusal()).isEmpty();
    client.close();
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
    client.close();
  }
}
