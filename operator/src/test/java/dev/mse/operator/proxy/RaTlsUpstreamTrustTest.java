package dev.mse.operator.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RaTlsUpstreamTrust} against a real RA-TLS server from the simulated TEE. */
class RaTlsUpstreamTrustTest {
  private static final UUID APP = UUID.randomUUID();
  private static final ByteString CONFIG = RaTlsNode.sha256("deployment config");
  private static final String NAME = "node.apps.test";
  private static TestBackend node;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestBackend.tls(RaTlsNode.serverContext(APP, CONFIG, NAME), TestBackend::echo);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private Route route(ByteString config) {
    return new Route(APP, node.address(), Route.Mode.TERMINATE, config);
  }

  private static SSLSocket connect(SSLContext context) throws Exception {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
    s.connect(node.address(), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  @Test
  void trustsTheNodeWhoseClaimsMatchTheRoute() throws Exception {
    var trust = new RaTlsUpstreamTrust(RaTlsNode.SIMULATION_ALLOWED, r -> NAME);
    try (SSLSocket s = connect(trust.contextFor(route(CONFIG)))) {
      s.startHandshake();
      s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().readNBytes(4))
          .isEqualTo("ping".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void refusesAnotherConfigDigest() throws Exception {
    var trust = new RaTlsUpstreamTrust(RaTlsNode.SIMULATION_ALLOWED, r -> NAME);
    try (SSLSocket s = connect(trust.contextFor(route(RaTlsNode.sha256("other"))))) {
      assertThatThrownBy(s::startHandshake)
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("config-sha256");
    }
  }

  @Test
  void refusesACertificateForAnotherName() throws Exception {
    var trust = new RaTlsUpstreamTrust(RaTlsNode.SIMULATION_ALLOWED, r -> "other.apps.test");
    try (SSLSocket s = connect(trust.contextFor(route(CONFIG)))) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void refusesSimulatedEvidenceUnderTheDefaultPolicy() throws Exception {
    var trust = new RaTlsUpstreamTrust(AppraisalPolicy.defaults(), r -> NAME);
    try (SSLSocket s = connect(trust.contextFor(route(CONFIG)))) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void keepsOneContextPerRoute() {
    var trust = new RaTlsUpstreamTrust(RaTlsNode.SIMULATION_ALLOWED, r -> NAME);
    assertThat(trust.contextFor(route(CONFIG))).isSameAs(trust.contextFor(route(CONFIG)));
    assertThat(trust.contextFor(route(RaTlsNode.sha256("other"))))
        .isNotSameAs(trust.contextFor(route(CONFIG)));
  }
}
