package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.attestation.sim.SimulatedEnclave;
import dev.mse.attestation.sim.SimulatedTee;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/** A simulated enclave that makes RA-TLS certificates, shared by the RA-TLS tests. */
final class RaTlsFixture {
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  static final SimulatedTee TEE = SimulatedTee.create(Clock.fixed(NOW, ZoneOffset.UTC));
  static final SimulatedEnclave ENCLAVE =
      new SimulatedEnclave(
          ByteString.fromHex("11".repeat(32)), ByteString.fromHex("22".repeat(32)), 1, 1, false);
  static final UUID APP_ID = UUID.fromString("0b6f3b5e-8a4c-4f0e-9d2a-6c1e7f3a9b10");
  static final ByteString PACKAGE = sha256("encrypted package");
  static final ByteString CONFIG = sha256("deployment config");
  static final ByteString HPKE = sha256("x25519 public key");
  static final Instant EXPIRES = NOW.plus(Duration.ofDays(20));
  static final CollateralBundle BUNDLE =
      new CollateralBundle(TEE.collateral(), NOW, Optional.of("mse simulation"));

  private RaTlsFixture() {}

  static ByteString sha256(String text) {
    return ByteString.of(text.getBytes(StandardCharsets.UTF_8)).sha256();
  }

  static KeyPair newKey() {
    return newKey("secp256r1");
  }

  static KeyPair newKey(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static AttestationClaims claims(KeyPair key, String domain) {
    return new AttestationClaims(
        RaTlsCertificate.pubkeyHash(key.getPublic()),
        Optional.empty(),
        APP_ID,
        PACKAGE,
        Optional.empty(),
        CONFIG,
        SslOrigin.SELF,
        AppTls.APP,
        domain,
        EXPIRES,
        HPKE,
        "0.1.0",
        State.WAITING);
  }

  static ByteString quote(AttestationClaims claims) {
    return ByteString.of(TEE.quote(ENCLAVE, claims.reportData()));
  }

  /** A consistent certificate for {@code key} naming {@code domain}, with collateral. */
  static X509Certificate certificate(KeyPair key, String domain) {
    AttestationClaims claims = claims(key, domain);
    return RaTlsCertificate.builder(key, claims, quote(claims))
        .endorsements(BUNDLE)
        .issuedAt(NOW)
        .build();
  }

  static AppraisalPolicy simulationAllowed() {
    return AppraisalPolicy.defaults().withAllowSimulation(true);
  }
}
