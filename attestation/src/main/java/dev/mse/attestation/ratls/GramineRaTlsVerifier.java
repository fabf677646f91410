package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.CborFormatException;
import dev.mse.attestation.codec.CborReader;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Appraises an RA-TLS certificate made by Gramine's RA-TLS library ({@code ra_tls_attest.c}), so
 * that mse clients can talk to Gramine enclaves that are not mse runtimes. Gramine's certificates
 * differ from mse's ({@link RaTlsVerifier}): no mse claims, no endorsements, and one of two
 * bindings of the TLS key to the quote:
 *
 * <ul>
 *   <li><b>TCG DICE evidence</b> (Gramine 1.8 and later, preferred when present, as Gramine's own
 *       verifier does): extension 2.23.133.5.4.9 = CBOR {@code 60000([quote, claims])}, the claims
 *       a map whose {@code pubkey-hash} is a byte string holding the CBOR hash-entry {@code [alg,
 *       hash]} (alg 1, 7 or 8: SHA-256, -384, -512) of the DER SubjectPublicKeyInfo; the quote's
 *       report data is SHA-256 of the claim bytes, then 32 zero bytes.
 *   <li><b>Legacy quote</b> (every Gramine version): the raw quote under 1.2.840.113741.1337.6 (or
 *       under 0.6.9.42.840.113741.1337.6, which is what Gramine's writer actually encodes: it hands
 *       mbedTLS the OID with its tag and length bytes); report data = SHA-256 of the DER
 *       SubjectPublicKeyInfo, then 32 zero bytes.
 * </ul>
 *
 * The zero padding is required here although Gramine's verifier compares only the first 32 bytes:
 * Gramine's attester always writes zeros, and accepting anything there would let a quote made for
 * another purpose pass as a TLS binding. Gramine certificates carry no collateral, so the caller
 * gives it. Like {@link RaTlsVerifier}, every check whose inputs exist runs and every reason is
 * listed; no exception escapes for bad input. Thread-safe.
 */
public final class GramineRaTlsVerifier {
  /** Gramine's legacy OID as its writer encodes it (the OID's own tag and length included). */
  public static final String GRAMINE_MALFORMED_LEGACY_OID = "0.6.9.42.840.113741.1337.6";

  private static final long TEE_QUOTE_TAG = 60000;
  private static final int MAX_QUOTE_BYTES = 64 * 1024;
  private static final int MAX_CLAIMS_BYTES = 2048;

  private final QuoteVerifier quotes;

  public GramineRaTlsVerifier(QuoteVerifier quotes) {
    this.quotes = quotes;
  }

  /** Which binding the certificate used, for the caller's log. */
  public enum Binding {
    DICE_EVIDENCE,
    LEGACY_QUOTE
  }

  /**
   * The quote's appraisal (when a quote was found), which extension bound the key, and every reason
   * for refusal; accepted when there is none. Gramine certificates have no mse claims, so this is
   * not an {@link RaTlsAppraisal}.
   */
  public record Result(
      Optional<Appraisal> quote, Optional<Binding> binding, List<RaTlsReason> reasons) {
    public Result {
      reasons = List.copyOf(reasons);
      if (reasons.isEmpty() && (quote.isEmpty() || !quote.get().accepted())) {
        throw new IllegalArgumentException("an accepted result has an accepted quote");
      }
    }

    public boolean accepted() {
      return reasons.isEmpty();
    }
  }

  public Result verify(
      X509Certificate certificate, Collateral collateral, AppraisalPolicy policy, Instant at) {
    List<RaTlsReason> reasons = new ArrayList<>();
    checkCertificate(certificate, at, reasons);
    byte[] spki = certificate.getPublicKey().getEncoded();

    Optional<byte[]> dice;
    Optional<byte[]> legacy;
    try {
      dice = RaTlsExtensions.value(certificate, RaTlsOids.DICE_EVIDENCE);
      legacy = RaTlsExtensions.value(certificate, RaTlsOids.LEGACY_SGX_QUOTE);
      if (legacy.isEmpty()) {
        legacy = RaTlsExtensions.value(certificate, GRAMINE_MALFORMED_LEGACY_OID);
      }
    } catch (RaTlsFormatException e) {
      reasons.add(new RaTlsReason(RaTlsCheck.EXTENSIONS, e.getMessage()));
      return new Result(Optional.empty(), Optional.empty(), reasons);
    }

    byte[] quote;
    byte[] expectedPrefix;
    Binding binding;
    if (dice.isPresent()) {
      binding = Binding.DICE_EVIDENCE;
      Optional<byte[][]> parts = diceParts(dice.get(), reasons);
      if (parts.isEmpty()) {
        return new Result(Optional.empty(), Optional.of(binding), reasons);
      }
      quote = parts.get()[0];
      byte[] claims = parts.get()[1];
      checkPubkeyHashClaim(claims, spki, reasons);
      expectedPrefix = sha256(claims);
    } else if (legacy.isPresent()) {
      binding = Binding.LEGACY_QUOTE;
      quote = legacy.get();
      expectedPrefix = sha256(spki);
    } else {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.EXTENSIONS,
              "the certificate carries neither Gramine's TCG DICE evidence ("
                  + RaTlsOids.DICE_EVIDENCE
                  + ") nor its legacy quote ("
                  + RaTlsOids.LEGACY_SGX_QUOTE
                  + ")"));
      return new Result(Optional.empty(), Optional.empty(), reasons);
    }

    Appraisal appraisal = quotes.verify(quote, collateral, policy, at);
    for (Reason r : appraisal.reasons()) {
      reasons.add(new RaTlsReason(RaTlsCheck.QUOTE, r.message()));
    }
    byte[] expected = Arrays.copyOf(expectedPrefix, 64);
    if (appraisal.reportData().isEmpty()) {
      reasons.add(new RaTlsReason(RaTlsCheck.QUOTE, "the quote cannot be read"));
    } else if (!MessageDigest.isEqual(appraisal.reportData().get().toByteArray(), expected)) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.REPORT_DATA_BINDING,
              binding == Binding.DICE_EVIDENCE
                  ? "the quote's report data is not SHA-256 of the evidence's claims followed by"
                      + " 32 zero bytes"
                  : "the quote's report data is not SHA-256 of the certificate's public key"
                      + " followed by 32 zero bytes: the quoted enclave does not hold this TLS key"));
    }
    return new Result(Optional.of(appraisal), Optional.of(binding), reasons);
  }

  private static void checkCertificate(
      X509Certificate cert, Instant at, List<RaTlsReason> reasons) {
    PublicKey key = cert.getPublicKey();
    if (!(key instanceof ECPublicKey)) {
      // Gramine makes ECDSA P-384 keys (RSA-3072 before 1.6 is not supported here).
      reasons.add(new RaTlsReason(RaTlsCheck.KEY, "the certificate's key is not an EC key"));
    }
    boolean selfSigned;
    try {
      cert.verify(key);
      selfSigned = cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal());
    } catch (Exception e) {
      // Any failure, including a provider's unchecked exception on hostile input, is "not signed".
      selfSigned = false;
    }
    if (!selfSigned) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.SELF_SIGNATURE, "the certificate is not self-signed by its own key"));
    }
    try {
      cert.checkValidity(Date.from(at));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.VALIDITY,
              "the certificate is valid from "
                  + cert.getNotBefore().toInstant()
                  + " to "
                  + cert.getNotAfter().toInstant()
                  + ", not at "
                  + at));
    }
  }

  /** {@code 60000([bstr quote, bstr claims])}, exactly. */
  private static Optional<byte[][]> diceParts(byte[] value, List<RaTlsReason> reasons) {
    try {
      CborReader r = new CborReader(value);
      long tag = r.tag("the evidence tag");
      if (tag != TEE_QUOTE_TAG) {
        throw new CborFormatException("the evidence is tagged " + tag + ", not 60000");
      }
      if (r.array(2, "the evidence") != 2) {
        throw new CborFormatException("the evidence is not an array of two items");
      }
      byte[] quote = r.bytes(MAX_QUOTE_BYTES, "the quote");
      byte[] claims = r.bytes(MAX_CLAIMS_BYTES, "the claims");
      r.expectEnd();
      return Optional.of(new byte[][] {quote, claims});
    } catch (CborFormatException e) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.EXTENSIONS,
              "the TCG DICE evidence is not 60000([quote, claims]): " + e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * The claims map's {@code pubkey-hash}: a byte string holding {@code [alg, hash]} whose hash is
   * of the certificate's SubjectPublicKeyInfo. Other claims are skipped when they are byte or text
   * strings or unsigned integers; anything else is refused, not guessed at.
   */
  private static void checkPubkeyHashClaim(byte[] claims, byte[] spki, List<RaTlsReason> reasons) {
    Optional<byte[]> hashEntry = Optional.empty();
    try {
      CborReader r = new CborReader(claims);
      int n = r.map(16, "the claims");
      for (int i = 0; i < n; i++) {
        String key = r.text(64, "a claim name");
        if (key.equals("pubkey-hash")) {
          hashEntry = Optional.of(r.bytes(256, "pubkey-hash"));
        } else {
          skipSimple(r, key);
        }
      }
      r.expectEnd();
    } catch (CborFormatException e) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.CLAIMS_FORMAT, "the claims cannot be read: " + e.getMessage()));
      return;
    }
    if (hashEntry.isEmpty()) {
      reasons.add(new RaTlsReason(RaTlsCheck.CLAIMS_FORMAT, "the claims have no pubkey-hash"));
      return;
    }
    try {
      CborReader r = new CborReader(hashEntry.get());
      if (r.array(2, "the hash-entry") != 2) {
        throw new CborFormatException("the hash-entry is not [alg, hash]");
      }
      long alg = r.unsigned("the hash algorithm");
      byte[] hash = r.bytes(64, "the hash");
      r.expectEnd();
      String algorithm =
          switch ((int) Math.min(alg, Integer.MAX_VALUE)) {
            case 1 -> "SHA-256";
            case 7 -> "SHA-384";
            case 8 -> "SHA-512";
            default -> throw new CborFormatException("unknown hash algorithm " + alg);
          };
      if (!MessageDigest.isEqual(hash, MessageDigest.getInstance(algorithm).digest(spki))) {
        reasons.add(
            new RaTlsReason(
                RaTlsCheck.PUBKEY_BINDING,
                "the claims' pubkey-hash is not the "
                    + algorithm
                    + " of the certificate's public key"));
      }
    } catch (CborFormatException e) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.CLAIMS_FORMAT,
              "pubkey-hash is not a CBOR hash-entry [alg, hash]: " + e.getMessage()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("a SHA-2 digest is missing from the JDK", e);
    }
  }

  private static void skipSimple(CborReader r, String key) throws CborFormatException {
    switch (r.peekMajor()) {
      case 0 -> r.unsigned(key);
      case 2 -> r.bytes(MAX_CLAIMS_BYTES, key);
      case 3 -> r.text(MAX_CLAIMS_BYTES, key);
      default ->
          throw new CborFormatException(
              "claim " + key + " is neither an unsigned integer nor a byte or text string");
    }
  }

  private static byte[] sha256(byte[] data) {
    return ByteString.of(data).sha256().toByteArray();
  }
}
