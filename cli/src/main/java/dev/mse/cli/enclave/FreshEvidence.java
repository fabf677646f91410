package dev.mse.cli.enclave;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralBundleReader;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.ClaimsFormatException;
import dev.mse.attestation.ratls.FreshCollateral;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsExtensions;
import dev.mse.attestation.ratls.RaTlsFormatException;
import dev.mse.cli.UserError;
import dev.mse.cli.quote.CollateralOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Evidence an enclave made just now, for a random nonce, about a TLS key: the claims carry the
 * nonce and the hash of that key. Either the key the enclave serves on the evidence connection
 * itself ({@link #fetch}), or a key the verifier was served elsewhere, at the app's name ({@link
 * #forServed}): the app serves its own TLS inside the TEE, so a verifier takes the certificate it
 * was served there and asks the enclave (at its enclave name) to vouch for exactly that key.
 * Whether the quote and the claims verify is for the caller's policy to say.
 *
 * @param certificatePem the certificate this evidence is about (the one served), PEM
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

  /**
   * Asks {@code enclave} for evidence about the key it serves on that connection (its RA-TLS key),
   * with a fresh random nonce, and checks what binds it.
   */
  public static FreshEvidence fetch(EnclaveClient enclave) {
    return ask(enclave, Optional.empty());
  }

  /**
   * Asks {@code enclave} for evidence about the key of {@code served} (a certificate served at the
   * app's name), with a fresh random nonce, and checks that the claims name exactly that key: an
   * enclave that does not hold it answers 404 ({@code not a key of this enclave}), and a server
   * whose certificate no fresh evidence names is refused.
   */
  public static FreshEvidence forServed(EnclaveClient enclave, X509Certificate served) {
    return ask(enclave, Optional.of(served));
  }

  private static FreshEvidence ask(EnclaveClient enclave, Optional<X509Certificate> served) {
    byte[] nonceBytes = new byte[32];
    RANDOM.nextBytes(nonceBytes);
    ByteString nonce = ByteString.of(nonceBytes);
    Optional<ByteString> spki = served.map(ServedCertificate::spki);
    EnclaveClient.Reply reply;
    try {
      reply = enclave.evidence(nonce, spki);
    } catch (EnclaveClient.Unreachable e) {
      throw new UserError(e.getMessage(), e);
    }
    if (reply.status() == 404 && served.isPresent()) {
      throw new UserError(
          "the enclave does not vouch for the certificate served (its key "
              + spki.get().hex()
              + "): "
              + reply.reason());
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
    X509Certificate subject = served.orElse(reply.peer());
    // The key, not the certificate: the runtime issues a new RA-TLS certificate (same key) when
    // its state changes, and the app may serve one issued earlier.
    if (!Arrays.equals(
        certificate.getPublicKey().getEncoded(), subject.getPublicKey().getEncoded())) {
      throw new UserError(
          served.isPresent()
              ? "the enclave's evidence names another certificate than the one served"
              : "the enclave's evidence names another certificate than the one it serves");
    }
    if (!claims.nonce().equals(Optional.of(nonce))) {
      throw new UserError("the enclave's evidence does not carry the nonce this command sent");
    }
    if (!claims.pubkeyHash().equals(RaTlsCertificate.pubkeyHash(subject.getPublicKey()))) {
      throw new UserError(
          served.isPresent()
              ? "the enclave's fresh claims name another TLS key than the certificate served"
              : "the enclave's fresh claims name another TLS key than its certificate");
    }
    return new FreshEvidence(
        served.isPresent() ? ServedCertificate.pem(subject) : pem,
        served.isPresent() ? subject : certificate,
        claimBytes,
        claims,
        quote,
        n.path("collateral").isString()
            ? Optional.of(n.path("collateral").asString())
            : Optional.empty());
  }

  /**
   * The collateral to appraise the fresh quote with, by its kind ({@link FreshCollateral#choose}):
   * none for an SEV-SNP report, whose VCEK the verifier gets from the KDS ({@code -Dmse.kds.url},
   * {@code $MSE_KDS_URL}, else AMD's); for a DCAP quote, what the enclave sent (in its evidence,
   * else in its certificate) when it is valid now, as a runtime that got it from its PCCS sends it;
   * otherwise fetched from the PCCS when one is named, else Intel PCS, through the shared cache.
   */
  public Optional<Collateral> collateral(Optional<URI> pccs, PrintWriter err) {
    Optional<Collateral> sent = Optional.empty();
    try {
      if (collateral.isPresent()) {
        sent =
            Optional.of(
                CollateralBundleReader.read(
                        ByteString.of(collateral.get().getBytes(StandardCharsets.UTF_8)))
                    .collateral());
      } else {
        Optional<ByteString> endorsements = RaTlsExtensions.read(certificate).endorsements();
        if (endorsements.isPresent()) {
          sent = Optional.of(CollateralBundleReader.read(endorsements.get()).collateral());
        }
      }
    } catch (CollateralFormatException e) {
      throw new UserError("the enclave's collateral cannot be read: " + e.getMessage(), e);
    } catch (RaTlsFormatException e) {
      // Not an RA-TLS certificate (owner mode) and no collateral sent: fetch it.
    }
    try {
      return FreshCollateral.choose(
          quote.toByteArray(),
          sent,
          Optional.of(CollateralOptions.source(pccs, err)),
          Instant.now());
    } catch (QuoteFormatException | CollateralFormatException e) {
      throw new UserError("the enclave's quote cannot be read: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError(
          "cannot fetch collateral from "
              + pccs.map(URI::toString).orElse("Intel PCS")
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
