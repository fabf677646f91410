package dev.mse.operator.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.sim.SimulatedPccs;
import dev.mse.operator.testing.MutableClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RaTlsUpstreamTrust} against real TLS servers: an app port (the app's own TLS) and the
 * enclave port of a simulated TEE answering fresh evidence in the runtime's format. The app port's
 * certificate is trusted only when the enclave's fresh evidence names its key.
 */
@Timeout(60)
class RaTlsUpstreamTrustTest {
  private static final UUID APP = UUID.randomUUID();
  private static final ByteString CONFIG = RaTlsNode.sha256("deployment config");
  private static final String NAME = "node.apps.test";
  private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

  private final RaTlsNode node = RaTlsNode.create(APP, CONFIG, NAME);

  @TempDir Path cacheDir;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  /** The app port of {@code node}: the app serves the enclave's RA-TLS key, as in operator mode. */
  private TestBackend honestApp() throws Exception {
    return closeLater(TestBackend.tls(node.serverContext(), TestBackend::echo));
  }

  private EnclavePort honestEnclave() throws Exception {
    return closeLater(EnclavePort.of(node));
  }

  private static Route route(TestBackend app, EnclavePort enclave, ByteString config) {
    return new Route(APP, app.address(), enclave.address(), Route.Mode.TERMINATE, config);
  }

  private static RaTlsUpstreamTrust trust(AppraisalPolicy policy, Clock clock) {
    return new RaTlsUpstreamTrust(policy, r -> NAME, clock, Duration.ofSeconds(60));
  }

  private SSLSocket connect(SSLContext context, InetSocketAddress to) throws Exception {
    SSLSocket s = closeLater((SSLSocket) context.getSocketFactory().createSocket());
    s.connect(to, 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Connects as the proxy does: handshake, then confirm, then traffic. */
  private void echoThrough(RaTlsUpstreamTrust trust, Route route) throws Exception {
    try (SSLSocket s = connect(trust.contextFor(route), route.node())) {
      s.startHandshake();
      trust.confirm(route, s.getSession());
      s.getOutputStream().write(PING);
      assertThat(s.getInputStream().readNBytes(4)).isEqualTo(PING);
    }
  }

  @Test
  void trustsTheAppPortWhoseKeyTheEnclaveVouchesFor() throws Exception {
    EnclavePort enclave = honestEnclave();
    echoThrough(
        trust(RaTlsNode.SIMULATION_ALLOWED, Clock.systemUTC()),
        route(honestApp(), enclave, CONFIG));
    assertThat(enclave.evidenceRequests()).isEqualTo(1);
  }

  @Test
  void remembersTheEnclavesAnswerForItsLifetimeThenAsksAgain() throws Exception {
    EnclavePort enclave = honestEnclave();
    MutableClock clock = new MutableClock();
    RaTlsUpstreamTrust trust = trust(RaTlsNode.SIMULATION_ALLOWED, clock);
    Route route = route(honestApp(), enclave, CONFIG);

    echoThrough(trust, route);
    echoThrough(trust, route);
    assertThat(enclave.evidenceRequests()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(61));
    // a resumed session skips the trust manager: confirm asks the enclave again all the same
    echoThrough(trust, route);
    assertThat(enclave.evidenceRequests()).isEqualTo(2);
  }

  @Test
  void connectionsArrivingTogetherShareOneQuestionToTheEnclave() throws Exception {
    EnclavePort enclave = honestEnclave();
    RaTlsUpstreamTrust trust = trust(RaTlsNode.SIMULATION_ALLOWED, Clock.systemUTC());
    Route route = route(honestApp(), enclave, CONFIG);
    int n = 16;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        done.add(
            threads.submit(
                () -> {
                  start.await();
                  echoThrough(trust, route);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    }
    assertThat(enclave.evidenceRequests()).isEqualTo(1);
  }

  @Test
  void refusesACertificateWhoseKeyTheEnclaveDoesNotHold() throws Exception {
    EnclavePort enclave = honestEnclave();
    // someone else answers on the app port, with a certificate for the right name
    TestBackend impostor =
        closeLater(
            TestBackend.tls(TestIdentity.selfSigned(NAME).serverContext(), TestBackend::echo));
    RaTlsUpstreamTrust trust = trust(RaTlsNode.SIMULATION_ALLOWED, Clock.systemUTC());
    Route route = route(impostor, enclave, CONFIG);
    try (SSLSocket s = connect(trust.contextFor(route), route.node())) {
      assertThatThrownBy(s::startHandshake)
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("HTTP 404");
    }
    assertThat(enclave.evidenceRequests()).isEqualTo(1);
  }

  @Test
  void refusesEvidenceThatNamesTheKeyButIsNotFresh() throws Exception {
    ByteString old = ByteString.fromHex("ab".repeat(32));
    EnclavePort replaying =
        closeLater(
            EnclavePort.answering(node, (nonce, spki) -> node.evidence(Optional.of(old), spki)));
    RaTlsUpstreamTrust trust = trust(RaTlsNode.SIMULATION_ALLOWED, Clock.systemUTC());
    Route route = route(honestApp(), replaying, CONFIG);
    try (SSLSocket s = connect(trust.contextFor(route), route.node())) {
      assertThatThrownBy(s::startHandshake)
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("nonce");
    }
  }

  @Test
  void refusesAnotherConfigDigest() throws Exception {
    RaTlsUpstreamTrust trust = trust(RaTlsNode.SIMULATION_ALLOWED, Clock.systemUTC());
    Route route = route(honestApp(), honestEnclave(), RaTlsNode.sha256("other"));
    try (SSLSocket s = connect(trust.contextFor(route), route.node())) {
      assertThatThrownBy(s::startHandshake)
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("config-sha256");
    }
  }

  @Test
  void refusesAnAppPortVouchedForByAnotherAppsEnclave() throws Exception {
    RaTlsNode other = RaTlsNode.create(UUID.randomUUID(), CONFIG, NAME);
    EnclavePort otherEnclave = closeLater(EnclavePort.of(other));
    TestBackend otherApp = closeLater(TestBackend.tls(other.serverContext(), TestBackend::echo));
    RaTlsUpstreamTrust trust = trust(RaTlsNode.SIMULATION_ALLOWED, Clock.systemUTC());
    Route route = route(otherApp, otherEnclave, CONFIG);
    try (SSLSocket s = connect(trust.contextFor(route), route.node())) {
      assertThatThrownBy(s::startHandshake)
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("app id");
    }
  }

  @Test
  void refusesSimulatedEvidenceUnderTheDefaultPolicy() throws Exception {
    RaTlsUpstreamTrust trust = trust(AppraisalPolicy.defaults(), Clock.systemUTC());
    Route route = route(honestApp(), honestEnclave(), CONFIG);
    try (SSLSocket s = connect(trust.contextFor(route), route.node())) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void keepsOneContextPerRoute() throws Exception {
    var trust = trust(RaTlsNode.SIMULATION_ALLOWED, Clock.systemUTC());
    TestBackend app = honestApp();
    EnclavePort enclave = honestEnclave();
    assertThat(trust.contextFor(route(app, enclave, CONFIG)))
        .isSameAs(trust.contextFor(route(app, enclave, CONFIG)));
    assertThat(trust.contextFor(route(app, enclave, RaTlsNode.sha256("other"))))
        .isNotSameAs(trust.contextFor(route(app, enclave, CONFIG)));
  }

  private SimulatedPccs pccs() throws Exception {
    return closeLater(
        SimulatedPccs.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            Clock.systemUTC(),
            SimulatedPccs.DEFAULT_VALIDITY));
  }

  private RaTlsUpstreamTrust trustFetchingFrom(SimulatedPccs pccs) {
    return new RaTlsUpstreamTrust(
        RaTlsNode.SIMULATION_ALLOWED,
        r -> NAME,
        Clock.systemUTC(),
        Duration.ofSeconds(60),
        Optional.of(
            CollateralSource.pccs(
                pccs.url(), new CollateralCache(cacheDir.resolve("cache"), Clock.systemUTC()))));
  }

  @Test
  void fetchesCollateralFromThePccsWhenTheEnclaveSendsNoneAndSeesItsRevocation() throws Exception {
    RaTlsNode bare = RaTlsNode.createWithoutCollateral(APP, CONFIG, NAME);
    TestBackend app = closeLater(TestBackend.tls(bare.serverContext(), TestBackend::echo));
    EnclavePort enclave = closeLater(EnclavePort.of(bare));
    Route route = route(app, enclave, CONFIG);

    // Without a PCCS there is nothing to appraise the quotes with.
    RaTlsUpstreamTrust alone = trust(RaTlsNode.SIMULATION_ALLOWED, Clock.systemUTC());
    try (SSLSocket s = connect(alone.contextFor(route), route.node())) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }

    // With the operator's pccs_url, both the enclave port's RA-TLS and the fresh evidence are
    // appraised with what the PCCS serves.
    SimulatedPccs pccs = pccs();
    echoThrough(trustFetchingFrom(pccs), route);
    assertThat(pccs.served()).as("the proxy asked the PCCS").isPositive();

    // The PCCS revokes the platform's PCK: a proxy without a cached copy refuses the node.
    SimulatedPccs revoking = pccs();
    revoking.revokePck();
    cacheDir = cacheDir.resolve("fresh");
    RaTlsUpstreamTrust refusing = trustFetchingFrom(revoking);
    try (SSLSocket s = connect(refusing.contextFor(route), route.node())) {
      assertThatThrownBy(s::startHandshake)
          .isInstanceOf(SSLHandshakeException.class)
          .hasStackTraceContaining("revoked");
    }
  }

  @Test
  void usesTheEnclavesValidCollateralWithoutAskingThePccs() throws Exception {
    SimulatedPccs pccs = pccs();
    echoThrough(trustFetchingFrom(pccs), route(honestApp(), honestEnclave(), CONFIG));
    assertThat(pccs.served()).isZero();
  }
}
