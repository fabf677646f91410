package dev.mse.operator.proxy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.attestation.sim.SimulatedEnclave;
import dev.mse.attestation.sim.SimulatedTee;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * A node's RA-TLS identity from the simulated TEE, as the runtime makes it: the claims carry the
 * app id and config digest the proxy must see.
 */
final class RaTlsNode {
  static final AppraisalPolicy SIMULATION_ALLOWED =
      AppraisalPolicy.defaults().withAllowSimulation(true);

  private RaTlsNode() {}

  static ByteString sha256(String text) {
    return ByteString.of(text.getBytes(StandardCharsets.UTF_8)).sha256();
  }

  /** A server context presenting an RA-TLS certificate for {@code domain}. */
  static SSLContext serverContext(UUID appId, ByteString configSha256, String domain) {
    try {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      SimulatedTee tee = SimulatedTee.create(Clock.systemUTC());
      SimulatedEnclave enclave =
          new SimulatedEnclave(
              ByteString.fromHex("11".repeat(32)),
              ByteString.fromHex("22".repeat(32)),
              1,
              1,
              false);
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair key = g.generateKeyPair();
      AttestationClaims claims =
          new AttestationClaims(
              RaTlsCertificate.pubkeyHash(key.getPublic()),
              Optional.empty(),
              appId,
              sha256("encrypted package"),
              Optional.empty(),
              configSha256,
              SslOrigin.OPERATOR,
              domain,
              now.plus(Duration.ofDays(10)),
              sha256("x25519 public key"),
              "0.1.0",
              AttestationClaims.State.WAITING);
      ByteString quote = ByteString.of(tee.quote(enclave, claims.reportData()));
      var certificate =
          RaTlsCertificate.builder(key, claims, quote)
              .endorsements(new CollateralBundle(tee.collateral(), now, Optional.of("simulation")))
              .issuedAt(now)
              .build();
      return RaTlsSslContexts.server(key, certificate);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
