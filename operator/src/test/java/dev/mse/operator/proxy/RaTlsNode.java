package dev.mse.operator.proxy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.collateral.CollateralBundleWriter;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.SslOrigin;
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
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An enclave's RA-TLS identity from the simulated TEE, as the runtime makes it (the claims carry
 * the app id and config digest the proxy must see), and the fresh evidence the runtime's enclave
 * port gives for it: {@code /.well-known/mse/evidence?nonce=&spki=} in the runtime's format (base64
 * CBOR claims, base64 quote over them, the PEM certificate, the collateral bundle JSON, the memory
 * the app gets).
 */
final class RaTlsNode {
  static final AppraisalPolicy SIMULATION_ALLOWED =
      AppraisalPolicy.defaults().withAllowSimulation(true);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KeyPair key;
  private final X509Certificate certificate;
  private final SimulatedTee tee;
  private final SimulatedEnclave enclave;
  private final AttestationClaims claims;
  private final Optional<CollateralBundle> collateral;

  private RaTlsNode(
      KeyPair key,
      X509Certificate certificate,
      SimulatedTee tee,
      SimulatedEnclave enclave,
      AttestationClaims claims,
      Optional<CollateralBundle> collateral) {
    this.key = key;
    this.certificate = certificate;
    this.tee = tee;
    this.enclave = enclave;
    this.claims = claims;
    this.collateral = collateral;
  }

  static ByteString sha256(String text) {
    return ByteString.of(text.getBytes(StandardCharsets.UTF_8)).sha256();
  }

  /** A new enclave of {@code appId} with {@code configSha256}, serving {@code domain}. */
  static RaTlsNode create(UUID appId, ByteString configSha256, String domain) {
    return create(appId, configSha256, domain, true);
  }

  /**
   * As {@link #create}, but sending no collateral, in its certificate or its evidence: a hardware
   * runtime whose PCCS was down, whose verifiers must fetch their own.
   */
  static RaTlsNode createWithoutCollateral(UUID appId, ByteString configSha256, String domain) {
    return create(appId, configSha256, domain, false);
  }

  private static RaTlsNode create(
      UUID appId, ByteString configSha256, String domain, boolean sendsCollateral) {
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
              dev.mse.attestation.ratls.AppTls.APP,
              domain,
              now.plus(Duration.ofDays(10)),
              sha256("x25519 public key"),
              "0.1.0",
              AttestationClaims.State.WAITING);
      ByteString quote = ByteString.of(tee.quote(enclave, claims.reportData()));
      CollateralBundle collateral =
          new CollateralBundle(tee.collateral(), now, Optional.of("simulation"));
      var builder = RaTlsCertificate.builder(key, claims, quote).issuedAt(now);
      if (sendsCollateral) {
        builder.endorsements(collateral);
      }
      X509Certificate certificate = builder.build();
      return new RaTlsNode(
          key,
          certificate,
          tee,
          enclave,
          claims,
          sendsCollateral ? Optional.of(collateral) : Optional.empty());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server context presenting an RA-TLS certificate for {@code domain}. */
  static SSLContext serverContext(UUID appId, ByteString configSha256, String domain) {
    return create(appId, configSha256, domain).serverContext();
  }

  /** The enclave's RA-TLS key and certificate: what its enclave port and its app serve. */
  SSLContext serverContext() {
    return RaTlsSslContexts.server(key, certificate);
  }

  X509Certificate certificate() {
    return certificate;
  }

  /** The SHA-256 of the enclave's key's SPKI. */
  ByteString spki() {
    return RaTlsCertificate.pubkeyHash(key.getPublic());
  }

  /**
   * What the runtime answers to {@code GET /.well-known/mse/evidence}: fresh claims with the nonce,
   * quoted, for the enclave's key; 404 for the key of someone else.
   */
  Answer evidence(Optional<ByteString> nonce, Optional<ByteString> spki) {
    if (spki.isPresent() && !spki.get().equals(spki())) {
      return new Answer(404, "{\"error\": \"not a key of this enclave\"}");
    }
    AttestationClaims fresh = claims.withState(AttestationClaims.State.RUNNING).withNonce(nonce);
    ByteString quote = ByteString.of(tee.quote(enclave, fresh.reportData()));
    ObjectNode n = JSON.createObjectNode();
    n.put("claims", Base64.getEncoder().encodeToString(fresh.encode().toByteArray()));
    n.put("quote", Base64.getEncoder().encodeToString(quote.toByteArray()));
    try {
      n.put(
          "certificate",
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(certificate.getEncoded())
              + "\n-----END CERTIFICATE-----\n");
      if (collateral.isPresent()) {
        n.put(
            "collateral",
            new String(
                CollateralBundleWriter.write(collateral.get()).toByteArray(),
                StandardCharsets.UTF_8));
      }
    } catch (GeneralSecurityException | CollateralFormatException e) {
      throw new IllegalStateException(e);
    }
    ObjectNode memory = n.putObject("memory");
    memory.put("heap_max_bytes", 335_544_320L);
    memory.put("direct_max_bytes", 134_217_728L);
    return new Answer(200, n.toString());
  }

  /** An HTTP answer: status and JSON body. */
  record Answer(int status, String body) {}
}
