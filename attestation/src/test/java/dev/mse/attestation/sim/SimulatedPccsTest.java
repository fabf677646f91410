package dev.mse.attestation.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.CollateralValidity;
import dev.mse.attestation.collateral.PcsClient;
import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.pck.PckExtensionParser;
import dev.mse.attestation.pck.PckExtensions;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.quote.QuoteCertificates;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.Check;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.Reason;
import dev.mse.attestation.verify.TeeKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated PCCS over loopback HTTP, read by the same {@link PcsClient} and {@link
 * QuoteVerifier} as Intel's PCS: a simulated quote verifies with what it serves, and what it is
 * told (revoke the PCK, OutOfDate, go down) shows in the verdict.
 */
class SimulatedPccsTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final SimulatedEnclave ENCLAVE =
      new SimulatedEnclave(
          ByteString.fromHex("11".repeat(32)), ByteString.fromHex("22".repeat(32)), 1, 1, false);
  private static final ByteString REPORT_DATA = ByteString.fromHex("ab".repeat(64));
  private static final AppraisalPolicy SIMULATION =
      AppraisalPolicy.defaults().withAllowSimulation(true);

  @TempDir Path cacheDir;

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final SimulatedTee tee = SimulatedTee.create(clock);
  private final byte[] quote = tee.quote(ENCLAVE, REPORT_DATA);
  private SimulatedPccs pccs;

  @BeforeEach
  void start() throws Exception {
    pccs =
        SimulatedPccs.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            clock,
            SimulatedPccs.DEFAULT_VALIDITY);
  }

  @AfterEach
  void stop() {
    pccs.close();
  }

  private Collateral fetch(Clock at, List<String> stale) throws Exception {
    try (PcsClient client =
        PcsClient.builder(new CollateralCache(cacheDir, at))
            .baseUrl(pccs.url())
            .staleListener((url, next, failure) -> stale.add(url.getPath()))
            .build()) {
      return client.fetchFor(QuoteParser.parse(quote));
    }
  }

  @Test
  void simulatedPckCertificatesCarryIntelsSgxExtensionsAndAreTheSameInEveryProcess()
      throws Exception {
    List<X509Certificate> chain = QuoteCertificates.pckChain(QuoteParser.parse(quote));
    PckExtensions pck = PckExtensionParser.parse(chain.getFirst());
    SimulatedPlatform platform = SimulatedPlatform.standard();

    assertThat(pck.fmspc()).isEqualTo(platform.fmspc());
    assertThat(pck.pceId()).isEqualTo(platform.pceId());
    assertThat(pck.pceSvn()).isEqualTo(platform.pceSvn());
    assertThat(pck.tcbComponents()).containsExactlyElementsOf(platform.tcbComponents());
    // Another TEE (another process, another day) has byte-identical PCK and CA certificates, as
    // a real platform keeps its PCK certificate: that is what lets a PCCS revoke it.
    List<X509Certificate> other =
        QuoteCertificates.pckChain(
            QuoteParser.parse(SimulatedTee.create(Clock.systemUTC()).quote(ENCLAVE, REPORT_DATA)));
    for (int i = 0; i < chain.size(); i++) {
      assertThat(other.get(i).getEncoded()).isEqualTo(chain.get(i).getEncoded());
    }
    assertThat(chain.getFirst().getSerialNumber())
        .isEqualTo(SimulatedPccs.pckSerial(SimulatedPlatform.standard()));
  }

  @Test
  void aSimulatedQuoteVerifiesWithTheCollateralThePccsServesAndStaysSimulated() throws Exception {
    Collateral c = fetch(clock, new ArrayList<>());

    Appraisal a = QuoteVerifier.full().verify(quote, c, SIMULATION, NOW);

    assertThat(a.reasons()).isEmpty();
    assertThat(a.tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(a.tcbStatus()).contains(TcbStatus.UP_TO_DATE);
    assertThat(pccs.served()).isEqualTo(4);
    assertThat(QuoteVerifier.full().verify(quote, c, AppraisalPolicy.defaults(), NOW).reasons())
        .extracting(Reason::check)
        .containsExactly(Check.SIMULATION);
  }

  @Test
  void aRevokedPckIsRefused() throws Exception {
    pccs.revokePck();

    Appraisal a =
        QuoteVerifier.full().verify(quote, fetch(clock, new ArrayList<>()), SIMULATION, NOW);

    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons()).extracting(Reason::check).contains(Check.PCK_LEAF_NOT_REVOKED);
  }

  @Test
  void anOutOfDateTcbIsRefusedUnlessThePolicyAcceptsIt() throws Exception {
    pccs.serveTcbStatus(TcbStatus.OUT_OF_DATE);
    Collateral c = fetch(clock, new ArrayList<>());

    Appraisal refused = QuoteVerifier.full().verify(quote, c, SIMULATION, NOW);
    Set<TcbStatus> accepted = EnumSet.copyOf(SIMULATION.acceptedStatuses());
    accepted.add(TcbStatus.OUT_OF_DATE);
    AppraisalPolicy lenient =
        new AppraisalPolicy(
            SIMULATION.sgx(),
            SIMULATION.tdx(),
            SIMULATION.snp(),
            SIMULATION.nitro(),
            accepted,
            SIMULATION.acceptedAdvisories(),
            SIMULATION.gracePeriod(),
            false,
            true);
    Appraisal allowed = QuoteVerifier.full().verify(quote, c, lenient, NOW);

    assertThat(refused.tcbStatus()).contains(TcbStatus.OUT_OF_DATE);
    assertThat(refused.reasons()).extracting(Reason::check).containsExactly(Check.TCB_STATUS);
    assertThat(allowed.reasons()).isEmpty();
    assertThat(allowed.tcbStatus()).contains(TcbStatus.OUT_OF_DATE);
  }

  @Test
  void whenThePccsIsDownTheCachedCollateralIsUsedWhileValid() throws Exception {
    fetch(clock, new ArrayList<>());
    pccs.close();

    List<String> stale = new ArrayList<>();
    Instant later = NOW.plus(Duration.ofDays(10));
    Collateral cached = fetch(Clock.fixed(later, ZoneOffset.UTC), stale);
    assertThat(stale).isEmpty();
    assertThat(QuoteVerifier.full().verify(quote, cached, SIMULATION, later).reasons()).isEmpty();

    // Past its next update the stale copy is still handed out (with a warning), and the
    // verifier refuses it for its dates: valid collateral is never invented.
    Instant tooLate = NOW.plus(SimulatedPccs.DEFAULT_VALIDITY).plusSeconds(3600);
    Collateral expired = fetch(Clock.fixed(tooLate, ZoneOffset.UTC), stale);
    assertThat(stale).isNotEmpty();
    assertThat(CollateralValidity.validAt(expired, tooLate)).isFalse();
    assertThat(QuoteVerifier.full().verify(quote, expired, SIMULATION, tooLate).accepted())
        .isFalse();
  }

  @Test
  void servesOnlyItsPlatformAndTheV4Paths() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    for (String path :
        List.of(
            "/sgx/certification/v4/tcb?fmspc=00606A000000",
            "/tdx/certification/v4/qe/identity",
            "/nothing")) {
      var response =
          http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(pccs.url() + path)).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).as(path).isEqualTo(404);
    }
    assertThat(pccs.served()).isZero();
  }
}
