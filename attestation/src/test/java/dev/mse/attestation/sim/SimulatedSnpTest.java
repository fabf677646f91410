package dev.mse.attestation.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.attestation.trust.AmdRoots;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.Check;
import dev.mse.attestation.verify.Reason;
import dev.mse.attestation.verify.SnpEndorsements;
import dev.mse.attestation.verify.SnpVerifier;
import dev.mse.attestation.verify.TeeKind;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The simulated SEV-SNP signer's reports verify as SIMULATED, and only as that. */
class SimulatedSnpTest {
  private static final ByteString MEASUREMENT = ByteString.fromHex("5a".repeat(48));
  private static final SimulatedSnp CHIP = SimulatedSnp.create(MEASUREMENT, Clock.systemUTC());
  private static final ByteString DATA = ByteString.fromHex("07".repeat(64));
  private static final SnpEndorsements VCEK = new SnpEndorsements(CHIP.vcek(), Optional.empty());
  private static final AppraisalPolicy SIMULATION =
      AppraisalPolicy.defaults().withAllowSimulation(true);

  @Test
  void itsReportsAreRealVersion3ReportsThatVerifyAsSimulated() throws Exception {
    byte[] report = CHIP.report(DATA);
    assertThat(SnpReportParser.parse(report).version()).isEqualTo(3);
    Appraisal a = SnpVerifier.verify(report, VCEK, SIMULATION, Instant.now(), Optional.of(DATA));
    assertThat(a.reasons()).isEmpty();
    assertThat(a.tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(a.measurements())
        .containsEntry("measurement", MEASUREMENT.hex())
        .containsEntry("report_data", DATA.hex())
        .containsEntry("revocation", "not checked");
  }

  @Test
  void theVcekIsNeverIssuedByAPinnedAmdAsk() {
    assertThat(AmdRoots.issuerOf(CHIP.vcek(), false)).isEmpty();
  }

  @Test
  void withoutAllowSimulationTheReportIsRefused() {
    Appraisal a =
        SnpVerifier.verify(
            CHIP.report(DATA), VCEK, AppraisalPolicy.defaults(), Instant.now(), Optional.empty());
    assertThat(a.accepted()).isFalse();
    assertThat(a.tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(a.failed(Check.SIMULATION)).isTrue();
  }

  @Test
  void anyFlippedByteOfTheSignedRegionIsRefused() {
    byte[] good = CHIP.report(DATA);
    SplittableRandom random = new SplittableRandom(14);
    for (int i = 0; i < 64; i++) {
      byte[] bad = good.clone();
      int offset = random.nextInt(SnpReportParser.SIGNED_SIZE);
      bad[offset] ^= (byte) (1 + random.nextInt(255));
      Appraisal a = SnpVerifier.verify(bad, VCEK, SIMULATION, Instant.now(), Optional.empty());
      assertThat(a.accepted()).as("byte 0x%x flipped", offset).isFalse();
    }
  }

  @Test
  void anotherChipsVcekDoesNotVerifyTheReport() {
    SimulatedSnp other = SimulatedSnp.create(MEASUREMENT, Clock.systemUTC());
    Appraisal a =
        SnpVerifier.verify(
            CHIP.report(DATA),
            new SnpEndorsements(other.vcek(), Optional.empty()),
            SIMULATION,
            Instant.now(),
            Optional.empty());
    assertThat(a.failed(Check.CHIP_ID_MATCHES)).isTrue();
    assertThat(a.failed(Check.SNP_REPORT_SIGNATURE)).isTrue();
  }

  @Test
  void aVcekTheSimulatedKdsCrlRevokesIsRefusedAndSaysWhy() {
    Instant now = Instant.now();
    Appraisal a =
        SnpVerifier.verify(
            CHIP.report(DATA),
            new SnpEndorsements(CHIP.vcek(), Optional.of(CHIP.crl(now, true))),
            SIMULATION,
            now,
            Optional.empty());
    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.VEK_REVOKED);
    assertThat(a.reasons().getFirst().message())
        .contains("'SEV-VCEK' is revoked by the CRL of mse's simulated");
    assertThat(a.measurements()).containsEntry("revocation", "checked");
  }

  @Test
  void aCrlThatRevokesNothingPassesAndRevocationCountsAsChecked() throws Exception {
    Instant now = Instant.now();
    Appraisal a =
        SnpVerifier.verify(
            CHIP.report(DATA),
            new SnpEndorsements(CHIP.vcek(), Optional.of(CHIP.crl(now, false))),
            PolicyParser.parse("[snp]\nrequire_crl = true\n").withAllowSimulation(true),
            now,
            Optional.empty());
    assertThat(a.reasons()).isEmpty();
    assertThat(a.measurements()).containsEntry("revocation", "checked");
  }

  @Test
  void anExpiredCrlIsRefused() {
    Instant now = Instant.now();
    Appraisal a =
        SnpVerifier.verify(
            CHIP.report(DATA),
            new SnpEndorsements(
                CHIP.vcek(), Optional.of(CHIP.crl(now.minusSeconds(3 * 86_400), false))),
            SIMULATION,
            now,
            Optional.empty());
    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.VEK_REVOKED);
    assertThat(a.reasons().getFirst().message()).contains("the CRL is not valid at");
  }
}
