package dev.mse.attestation.ratls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.collateral.CollateralValidity;
import dev.mse.attestation.sim.SimulatedPccs;
import dev.mse.attestation.sim.SimulatedTee;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime's RA-TLS certificate keeps the collateral it was issued with, which ages past its next
 * update while the enclave runs (the runtime's fresh evidence carries its current copy). Every
 * verifier then fetches from its PCCS instead: {@link RaTlsVerifier} for the certificate, {@link
 * FreshCollateral} for fresh evidence that sent aged collateral. Without a PCCS, the aged copy is
 * refused for its date, never accepted.
 */
class AgedEndorsementsTest {
  @TempDir Path cache;

  /** A simulated TEE whose collateral was issued a day more than its lifetime ago. */
  private static final SimulatedTee AGED =
      SimulatedTee.create(
          Clock.offset(Clock.systemUTC(), SimulatedTee.COLLATERAL_LIFETIME.plusDays(1).negated()));

  private static SimulatedPccs pccs() throws Exception {
    return SimulatedPccs.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        Clock.systemUTC(),
        SimulatedPccs.DEFAULT_VALIDITY);
  }

  private static X509Certificate agedCertificate(KeyPair key, ByteString quote) {
    return RaTlsCertificate.builder(key, RaTlsFixture.claims(key, "app.example.com"), quote)
        .endorsements(new CollateralBundle(AGED.collateral(), Instant.now(), Optional.empty()))
        .build();
  }

  private static ByteString quote(KeyPair key) {
    return ByteString.of(
        AGED.quote(RaTlsFixture.ENCLAVE, RaTlsFixture.claims(key, "app.example.com").reportData()));
  }

  @Test
  void theCertificatesAgedCollateralIsReplacedByThePccsOrRefusedForItsDate() throws Exception {
    assertThat(CollateralValidity.validAt(AGED.collateral(), Instant.now())).isFalse();
    KeyPair key = RaTlsFixture.newKey();
    X509Certificate certificate = agedCertificate(key, quote(key));

    RaTlsAppraisal alone =
        RaTlsVerifier.standard()
            .verify(
                certificate, RaTlsFixture.simulationAllowed(), Instant.now(), RaTlsOptions.none());
    assertThat(alone.accepted()).isFalse();
    assertThat(alone.describe()).contains("expired at");

    try (SimulatedPccs pccs = pccs()) {
      RaTlsAppraisal withPccs =
          RaTlsVerifier.standard()
              .verify(
                  certificate,
                  RaTlsFixture.simulationAllowed(),
                  Instant.now(),
                  RaTlsOptions.none()
                      .withCollateralSource(
                          CollateralSource.pccs(
                              pccs.url(), new CollateralCache(cache, Clock.systemUTC()))));
      assertThat(withPccs.reasons()).isEmpty();
      assertThat(pccs.served()).as("the verifier asked the PCCS").isPositive();
    }
  }

  @Test
  void freshEvidenceThatSentAgedCollateralIsAppraisedWithThePccs() throws Exception {
    KeyPair key = RaTlsFixture.newKey();
    byte[] quote = quote(key).toByteArray();
    try (SimulatedPccs pccs = pccs()) {
      Optional<Collateral> chosen =
          FreshCollateral.choose(
              quote,
              Optional.of(AGED.collateral()),
              Optional.of(
                  CollateralSource.pccs(pccs.url(), new CollateralCache(cache, Clock.systemUTC()))),
              Instant.now());
      assertThat(chosen)
          .hasValueSatisfying(
              c -> assertThat(CollateralValidity.validAt(c, Instant.now())).isTrue());
      assertThat(pccs.served()).isPositive();
    }
  }
}
