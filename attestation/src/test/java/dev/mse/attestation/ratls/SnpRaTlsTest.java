package dev.mse.attestation.ratls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.sim.SimulatedSnp;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.SnpEndorsements;
import dev.mse.attestation.verify.TeeKind;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RA-TLS certificates whose evidence is an SEV-SNP report, as the tsm backend makes in a guest. */
class SnpRaTlsTest {
  private static final SimulatedSnp CHIP =
      SimulatedSnp.create(ByteString.fromHex("ab".repeat(48)), Clock.systemUTC());
  private static final RaTlsVerifier VERIFIER =
      new RaTlsVerifier(
          QuoteVerifier.full(), report -> new SnpEndorsements(CHIP.vcek(), Optional.empty()));
  private static final AppraisalPolicy SIMULATION =
      AppraisalPolicy.defaults().withAllowSimulation(true);

  private static X509Certificate certificate(KeyPair key, byte[] report) {
    AttestationClaims claims = RaTlsFixture.claims(key, "app.example.com");
    return RaTlsCertificate.builder(key, claims, ByteString.of(report)).build();
  }

  private static byte[] reportFor(KeyPair key) {
    return CHIP.report(RaTlsFixture.claims(key, "app.example.com").reportData());
  }

  @Test
  void aSimulatedSnpReportVerifiesAsSimulatedWhenSimulationIsAllowed() {
    KeyPair key = RaTlsFixture.newKey();
    RaTlsAppraisal a =
        VERIFIER.verify(
            certificate(key, reportFor(key)), SIMULATION, RaTlsFixture.NOW, RaTlsOptions.none());
    assertThat(a.reasons()).isEmpty();
    Appraisal quote = a.quote().orElseThrow();
    assertThat(quote.tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(quote.measurements())
        .containsEntry("measurement", "ab".repeat(48))
        .containsEntry("product", "simulation")
        .containsEntry("chip_id", CHIP.chipId().hex());
  }

  @Test
  void withoutAllowSimulationItIsRefused() {
    KeyPair key = RaTlsFixture.newKey();
    RaTlsAppraisal a =
        VERIFIER.verify(
            certificate(key, reportFor(key)),
            AppraisalPolicy.defaults(),
            RaTlsFixture.NOW,
            RaTlsOptions.none());
    assertThat(a.accepted()).isFalse();
    assertThat(a.describe()).contains("simulated SEV-SNP signer");
  }

  @Test
  void aReportOverOtherClaimsIsRefused() {
    KeyPair key = RaTlsFixture.newKey();
    AttestationClaims claims = RaTlsFixture.claims(key, "app.example.com");
    byte[] report = CHIP.report(ByteString.of(new byte[64]));
    X509Certificate cert =
        RaTlsCertificate.builder(key, claims, ByteString.of(report)).buildUnchecked();
    RaTlsAppraisal a = VERIFIER.verify(cert, SIMULATION, RaTlsFixture.NOW, RaTlsOptions.none());
    assertThat(a.failed(RaTlsCheck.REPORT_DATA_BINDING)).isTrue();
  }

  @Test
  void aFlippedByteOfTheSignedReportIsRefused() {
    KeyPair key = RaTlsFixture.newKey();
    byte[] report = reportFor(key);
    report[0x90] ^= 0x01; // the measurement
    AttestationClaims claims = RaTlsFixture.claims(key, "app.example.com");
    X509Certificate cert =
        RaTlsCertificate.builder(key, claims, ByteString.of(report)).buildUnchecked();
    RaTlsAppraisal a = VERIFIER.verify(cert, SIMULATION, RaTlsFixture.NOW, RaTlsOptions.none());
    assertThat(a.accepted()).isFalse();
    assertThat(a.describe()).contains("signature does not verify");
  }

  @Test
  void noVcekIsAReasonNotAnException() {
    KeyPair key = RaTlsFixture.newKey();
    RaTlsVerifier noKds =
        new RaTlsVerifier(
            QuoteVerifier.full(),
            report -> {
              throw new IOException("KDS unreachable");
            });
    RaTlsAppraisal a =
        noKds.verify(
            certificate(key, reportFor(key)), SIMULATION, RaTlsFixture.NOW, RaTlsOptions.none());
    assertThat(a.accepted()).isFalse();
    assertThat(a.describe()).contains("no VCEK for the SEV-SNP report: KDS unreachable");
  }
}
