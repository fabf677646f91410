package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.collateral.CollateralBundleWriter;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.crypto.EcdsaP256;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.snp.SnpFormatException;
import dev.mse.attestation.snp.SnpReportParser;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Issues the enclave's self-signed RA-TLS certificate (layout in {@code docs/ratls.md}): subject CN
 * and SAN = the app's domain, a CA certificate so that users can pin it as a trust anchor ({@code
 * curl --cacert}), valid until the app expires, carrying the quote and the claims it binds (TCG
 * DICE evidence), the raw quote for older tools, and optionally the collateral so that a verifier
 * holding only the Intel root can decide offline.
 *
 * <p>The builder refuses inconsistent input (a key other than the one the claims name, a quote over
 * other claims): an enclave must never serve a certificate that cannot verify.
 */
public final class RaTlsCertificate {
  /** notBefore is this much before issuance, to tolerate clients whose clocks run slightly late. */
  public static final Duration BACKDATE = Duration.ofMinutes(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private RaTlsCertificate() {}

  /**
   * A builder for the certificate of {@code tlsKey} (ECDSA P-256, made in the enclave) carrying
   * {@code quote}, whose report data must be {@code claims.reportData()}.
   */
  public static Builder builder(KeyPair tlsKey, AttestationClaims claims, ByteString quote) {
    return new Builder(tlsKey, claims, quote);
  }

  /** SHA-256 of the key's DER SubjectPublicKeyInfo: the {@code pubkey-hash} claim. */
  public static ByteString pubkeyHash(PublicKey key) {
    return ByteString.of(key.getEncoded()).sha256();
  }

  /** SHA-256 of the certificate's DER encoding, the fingerprint used for pinning. */
  public static ByteString fingerprint(X509Certificate certificate) {
    try {
      return ByteString.of(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the certificate cannot be encoded", e);
    }
  }

  /** Collects the optional parts; {@link #build()} checks and signs. */
  public static final class Builder {
    private final KeyPair key;
    private final AttestationClaims claims;
    private final ByteString quote;
    private Optional<CollateralBundle> endorsements = Optional.empty();
    private Instant issuedAt = Instant.now();
    private Optional<X500Principal> subject = Optional.empty();

    private Builder(KeyPair key, AttestationClaims claims, ByteString quote) {
      this.key = key;
      this.claims = claims;
      this.quote = quote;
    }

    /** Embeds the collateral for the quote (endorsements extension). */
    public Builder endorsements(CollateralBundle bundle) {
      this.endorsements = Optional.of(bundle);
      return this;
    }

    /**
     * The certificate's subject (and issuer: it is self-signed) instead of {@code CN=<domain>}; the
     * SAN still names the domain, which is what clients check.
     *
     * @param rfc2253 an X.500 name, e.g. {@code CN=app.example.com,O=Example}
     * @throws IllegalArgumentException if it is not one
     */
    public Builder subject(String rfc2253) {
      this.subject = Optional.of(new X500Principal(rfc2253));
      return this;
    }

    /** The issuance time; notBefore is {@link #BACKDATE} earlier. Defaults to now. */
    public Builder issuedAt(Instant at) {
      this.issuedAt = at;
      return this;
    }

    /**
     * Signs the certificate with the TLS key.
     *
     * @throws IllegalArgumentException if the key is not P-256, the claims name another key, the
     *     quote does not bind these claims, or the app has already expired
     */
    public X509Certificate build() {
      requireP256(key.getPublic());
      if (!pubkeyHash(key.getPublic()).equals(claims.pubkeyHash())) {
        throw new IllegalArgumentException("the claims' pubkey-hash names another key");
      }
      try {
        // A DCAP quote, or an SEV-SNP report (the tsm backend in an SNP guest).
        byte[] bytes = quote.toByteArray();
        ByteString reportData =
            SnpReportParser.looksLikeSnp(bytes)
                ? SnpReportParser.parse(bytes).reportData()
                : QuoteParser.parse(bytes).body().reportData();
        if (!reportData.equals(claims.reportData())) {
          throw new IllegalArgumentException(
              "the quote's report data is not the SHA-512 of these claims");
        }
      } catch (QuoteFormatException | SnpFormatException e) {
        throw new IllegalArgumentException("the quote cannot be read: " + e.getMessage(), e);
      }
      return buildUnchecked();
    }

    /** Signs without the consistency checks; tests use it to make inconsistent certificates. */
    X509Certificate buildUnchecked() {
      Instant notBefore = issuedAt.minus(BACKDATE);
      if (!claims.expires().isAfter(notBefore)) {
        throw new IllegalArgumentException("the app expired at " + claims.expires());
      }
      String domain = claims.domain();
      X500Name name =
          subject
              .map(p -> X500Name.getInstance(p.getEncoded()))
              .orElseGet(
                  () -> new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, domain).build());
      GeneralName san =
          IPAddress.isValid(domain)
              ? new GeneralName(GeneralName.iPAddress, domain)
              : new GeneralName(GeneralName.dNSName, domain);
      try {
        X509v3CertificateBuilder b =
            new JcaX509v3CertificateBuilder(
                name,
                new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(notBefore),
                Date.from(claims.expires()),
                name,
                key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
        b.addExtension(
            Extension.subjectKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key.getPublic()));
        b.addExtension(
            new ASN1ObjectIdentifier(RaTlsOids.DICE_EVIDENCE),
            false,
            new DiceEvidence(quote, claims.encode()).encode());
        b.addExtension(
            new ASN1ObjectIdentifier(RaTlsOids.LEGACY_SGX_QUOTE), false, quote.toByteArray());
        if (endorsements.isPresent()) {
          b.addExtension(
              new ASN1ObjectIdentifier(RaTlsOids.DICE_ENDORSEMENTS),
              false,
              CollateralBundleWriter.write(endorsements.get()).toByteArray());
        }
        return new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
      } catch (CollateralFormatException e) {
        throw new IllegalArgumentException("the collateral cannot be embedded", e);
      } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign the RA-TLS certificate", e);
      }
    }
  }

  private static void requireP256(PublicKey key) {
    if (!(key instanceof ECPublicKey ec)
        || ec.getParams().getCurve().getField().getFieldSize() != 256
        || !ec.getParams().getOrder().equals(EcdsaP256.DOMAIN.getN())) {
      throw new IllegalArgumentException("the TLS key must be ECDSA P-256");
    }
  }
}
