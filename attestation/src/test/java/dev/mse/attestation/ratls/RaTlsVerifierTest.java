package dev.mse.attestation.ratls;

import static dev.mse.attestation.ratls.RaTlsFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.attestation.verify.TeeKind;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class RaTlsVerifierTest {
  private static final KeyPair KEY = RaTlsFixture.newKey();
  private static final X509Certificate CERT = RaTlsFixture.certificate(KEY, "app.example.com");
  private static final AppraisalPolicy SIM = RaTlsFixture.simulationAllowed();
  private static final RaTlsOptions MINE =
      RaTlsOptions.none()
          .withAppId(RaTlsFixture.APP_ID)
          .withPackageSha256(RaTlsFixture.PACKAGE)
          .withConfigSha256(RaTlsFixture.CONFIG);

  private final RaTlsVerifier verifier = RaTlsVerifier.standard();

  @Test
  void acceptsAConsistentCertificateWhenThePolicyAllowsSimulation() {
    RaTlsAppraisal a = verifier.verify(CERT, SIM, NOW, MINE);

    assertThat(a.reasons()).isEmpty();
    assertThat(a.accepted()).isTrue();
    assertThat(a.quote().orElseThrow().tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(a.claims()).contains(RaTlsFixture.claims(KEY, "app.example.com"));
  }

  @Test
  void acceptsTheRuntimeServingTheTlsOutsideSgx() {
    AttestationClaims claims =
        AttestationClaimsTest.withTls(RaTlsFixture.claims(KEY, "app.example.com"), AppTls.RUNTIME);
    X509Certificate cert =
        RaTlsCertificate.builder(KEY, claims, RaTlsFixture.quote(claims))
            .endorsements(RaTlsFixture.BUNDLE)
            .issuedAt(NOW)
            .build();

    RaTlsAppraisal a = verifier.verify(cert, SIM, NOW, MINE);

    assertThat(a.reasons()).isEmpty();
    assertThat(a.claims().orElseThrow().tls()).isEqualTo(AppTls.RUNTIME);
  }

  @Test
  void refusesTheRuntimeServingTheTlsUnderSgx() {
    AttestationClaims runtime =
        AttestationClaimsTest.withTls(RaTlsFixture.claims(KEY, "app.example.com"), AppTls.RUNTIME);
    for (TeeKind tee : TeeKind.values()) {
      List<RaTlsReason> reasons = new ArrayList<>();
      RaTlsVerifier.checkTlsMode(runtime, tee, reasons);
      RaTlsVerifier.checkTlsMode(RaTlsFixture.claims(KEY, "app.example.com"), tee, reasons);
      if (tee == TeeKind.SGX) {
        assertThat(reasons).extracting(RaTlsReason::check).containsExactly(RaTlsCheck.TLS_MODE);
        assertThat(reasons.getFirst().message()).contains("loopback");
      } else {
        assertThat(reasons).as(tee.name()).isEmpty();
      }
    }
  }

  @Test
  void rejectsSimulatedEvidenceUnderTheDefaultPolicy() {
    RaTlsAppraisal a = verifier.verify(CERT, AppraisalPolicy.defaults(), NOW, MINE);

    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons()).extracting(RaTlsReason::check).containsExactly(RaTlsCheck.QUOTE);
    assertThat(a.describe()).containsIgnoringCase("simulat");
  }

  @Test
  void rejectsClaimsThatAreNotWhatTheClientDeployed() {
    RaTlsOptions other =
        MINE.withPackageSha256(RaTlsFixture.sha256("another package"))
            .withAppId(UUID.randomUUID())
            .withCodeSha256(RaTlsFixture.sha256("code"))
            .withNonce(ByteString.fromHex("00"))
            .withStates(EnumSet.of(State.RUNNING));

    RaTlsAppraisal a = verifier.verify(CERT, SIM, NOW, other);

    assertThat(a.reasons())
        .extracting(RaTlsReason::check)
        .containsExactlyInAnyOrder(
            RaTlsCheck.PACKAGE,
            RaTlsCheck.APP_ID,
            RaTlsCheck.CODE,
            RaTlsCheck.NONCE,
            RaTlsCheck.STATE);
    assertThat(a.describe())
        .contains("package-sha256 mismatch: expected")
        // an enclave before provisioning names no code: the reason says so, not just "mismatch"
        .contains("the claims have none (the enclave is waiting and has loaded no code yet)");
  }

  @Test
  void rejectsACertificateWhoseQuoteWasMadeForAnotherKey() {
    KeyPair enclaveKey = RaTlsFixture.newKey();
    AttestationClaims claims = RaTlsFixture.claims(enclaveKey, "app.example.com");
    // an attacker re-signs the enclave's evidence with its own key
    X509Certificate stolen =
        RaTlsCertificate.builder(KEY, claims, RaTlsFixture.quote(claims))
            .endorsements(RaTlsFixture.BUNDLE)
            .issuedAt(NOW)
            .buildUnchecked();

    RaTlsAppraisal a = verifier.verify(stolen, SIM, NOW, MINE);

    assertThat(a.reasons())
        .extracting(RaTlsReason::check)
        .containsExactly(RaTlsCheck.PUBKEY_BINDING);
  }

  @Test
  void rejectsClaimsThatTheQuoteDoesNotBind() {
    AttestationClaims claims = RaTlsFixture.claims(KEY, "app.example.com");
    X509Certificate forged =
        RaTlsCertificate.builder(KEY, claims, RaTlsFixture.quote(claims.withState(State.RUNNING)))
            .endorsements(RaTlsFixture.BUNDLE)
            .issuedAt(NOW)
            .buildUnchecked();

    RaTlsAppraisal a = verifier.verify(forged, SIM, NOW, MINE);

    assertThat(a.reasons())
        .extracting(RaTlsReason::check)
        .containsExactly(RaTlsCheck.REPORT_DATA_BINDING);
  }

  @Test
  void rejectsOutsideTheValidityPeriod() {
    RaTlsAppraisal late =
        verifier.verify(CERT, SIM, RaTlsFixture.EXPIRES.plus(Duration.ofDays(1)), MINE);
    RaTlsAppraisal early = verifier.verify(CERT, SIM, NOW.minus(Duration.ofMinutes(5)), MINE);

    assertThat(late.failed(RaTlsCheck.VALIDITY)).isTrue();
    assertThat(early.failed(RaTlsCheck.VALIDITY)).isTrue();
  }

  @Test
  void usesGivenCollateralWhenTheCertificateHasNone() {
    AttestationClaims claims = RaTlsFixture.claims(KEY, "app.example.com");
    X509Certificate bare =
        RaTlsCertificate.builder(KEY, claims, RaTlsFixture.quote(claims)).issuedAt(NOW).build();

    RaTlsAppraisal without = verifier.verify(bare, SIM, NOW, MINE);
    RaTlsAppraisal with =
        verifier.verify(bare, SIM, NOW, MINE.withCollateral(RaTlsFixture.TEE.collateral()));

    assertThat(without.reasons())
        .extracting(RaTlsReason::check)
        .containsExactly(RaTlsCheck.COLLATERAL);
    assertThat(with.reasons()).isEmpty();
  }

  @Test
  void rejectsACertificateWithoutEvidence() throws Exception {
    X500Name name = new X500Name("CN=app.example.com");
    X509Certificate plain =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(NOW.minusSeconds(60)),
                        Date.from(RaTlsFixture.EXPIRES),
                        name,
                        KEY.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate())));

    RaTlsAppraisal a = verifier.verify(plain, SIM, NOW, MINE);

    assertThat(a.reasons()).extracting(RaTlsReason::check).containsExactly(RaTlsCheck.EXTENSIONS);
    assertThat(a.describe()).contains("no RA-TLS evidence extension");
  }

  @Test
  void rejectsABrokenSelfSignatureAndUnreadableBytes() throws Exception {
    byte[] der = CERT.getEncoded();
    der[der.length - 1] ^= 0x01; // the last byte of the signature's s

    RaTlsAppraisal tampered = verifier.verify(der, SIM, NOW, MINE);
    RaTlsAppraisal garbage = verifier.verify(new byte[] {0x30, 0x03, 1, 2, 3}, SIM, NOW, MINE);

    assertThat(tampered.reasons())
        .extracting(RaTlsReason::check)
        .containsExactly(RaTlsCheck.SELF_SIGNATURE);
    assertThat(garbage.reasons())
        .extracting(RaTlsReason::check)
        .containsExactly(RaTlsCheck.CERTIFICATE_FORMAT);
    assertThat(garbage.quote()).isEqualTo(Optional.empty());
  }
}
