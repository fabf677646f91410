package dev.mse.cli.enclave;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.ClaimsFormatException;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.cli.UserError;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Evidence an enclave made just now, for a random nonce, about the certificate it served on the
 * same connection: the claims carry the nonce and the hash of that certificate's key. Whether the
 * quote and certificate verify is for the caller's policy to say.
 *
 * @param certificatePem the served certificate, PEM
 * @param certificate the same, parsed
 * @param claimBytes the fresh claims, exactly as quoted
 * @param claims the same, decoded
 * @param quote the fresh quote over the claims
 * @param collateral the collateral bundle the enclave sent (simulated TEE), if any
 */
public record FreshEvidence(
    String certificatePem,
    X509Certificate certificate,
    ByteString claimBytes,
    AttestationClaims claims,
    ByteString quote,
    Optional<String> collateral) {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Asks {@code enclave} for evidence with a fresh random nonce and checks what binds it. */
  public static FreshEvidence fetch(EnclaveClient enclave) {
    byte[] nonceBytes = new byte[32];
    RANDOM.nextBytes(nonceBytes);
    ByteString nonce = ByteString.of(nonceBytes);
    EnclaveClient.Reply reply;
    try {
      reply = enclave.evidence(nonce);
    } catch (EnclaveClient.Unreachable e) {
      throw new UserError(e.getMessage(), e);
    }
    if (reply.status() != 200) {
      throw new UserError(
          "the enclave refused to give evidence (HTTP " + reply.status() + "): " + reply.reason());
    }
    JsonNode n = reply.json();
    String pem = n.path("certificate").asString("");
    X509Certificate certificate;
    AttestationClaims claims;
    ByteString claimBytes;
    ByteString quote;
    try {
      certificate = X509Codec.certificate(pem.getBytes(StandardCharsets.US_ASCII));
      claimBytes = ByteString.of(Base64.getDecoder().decode(n.path("claims").asString("")));
      claims = AttestationClaims.decode(claimBytes.toByteArray());
      quote = ByteString.of(Base64.getDecoder().decode(n.path("quote").asString("")));
    } catch (CertificateException | ClaimsFormatException | IllegalArgumentException e) {
      throw new UserError("the enclave's evidence cannot be read: " + e.getMessage(), e);
    }
    try {
      if (!Arrays.equals(certificate.getEncoded(), reply.peer().getEncoded())) {
        throw new UserError(
            "the enclave's evidence names another certificate than the one it serves");
      }
    } catch (CertificateEncodingException e) {
      throw new UserError("the enclave's certificate cannot be encoded", e);
    }
    if (!claims.nonce().equals(Optional.of(nonce))) {
      throw new UserError("the enclave's evidence does not carry the nonce this command sent");
    }
    if (!claims.pubkeyHash().equals(RaTlsCertificate.pubkeyHash(certificate.getPublicKey()))) {
      throw new UserError("the enclave's fresh claims name another TLS key than its certificate");
    }
    return new FreshEvidence(
        pem,
        certificate,
        claimBytes,
        claims,
        quote,
        n.path("collateral").isString()
            ? Optional.of(n.path("collateral").asString())
            : Optional.empty());
  }
}
