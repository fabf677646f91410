package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralBundleReader;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.collateral.CollateralValidity;
import dev.mse.attestation.crypto.EcdsaP256;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.snp.SnpFormatException;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.KdsEndorsementSource;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.Reason;
import dev.mse.attestation.verify.SnpEndorsementSource;
import dev.mse.attestation.verify.SnpEndorsements;
import dev.mse.attestation.verify.SnpVerifier;
import dev.mse.attestation.verify.TeeKind;
import dev.mse.attestation.verify.VerificationCache;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * Appraises an RA-TLS certificate: the certificate is self-signed by its own P-256 key and valid at
 * the time; its claims name that key ({@code pubkey-hash} = SHA-256 of the SPKI); the quote's
 * report data is the SHA-512 of those exact claim bytes; the quote verifies under the policy with
 * the collateral (given, or from the certificate); and the claims are what the relying party
 * expects. Together this proves that whoever holds the TLS key is the attested enclave.
 *
 * <p>The quote may also be an SEV-SNP report (the {@code tsm} backend in an SNP guest): it is then
 * verified by {@link SnpVerifier} with the VCEK its {@link SnpEndorsementSource} gives, and the
 * collateral is not used.
 *
 * <p>Like {@link QuoteVerifier}, it runs every check whose inputs exist and lists every reason; no
 * exception escapes for bad input. Thread-safe.
 */
public final class RaTlsVerifier {
  private final QuoteVerifier quotes;
  private final SnpEndorsementSource snp;
  private final VerificationCache snpCache = VerificationCache.create();

  /** A verifier of DCAP quotes and SEV-SNP reports, whose VCEK it asks the default KDS for. */
  public RaTlsVerifier(QuoteVerifier quotes) {
    this(quotes, KdsEndorsementSource.fromEnvironment());
  }

  /**
   * @param snp where the VCEK of an SEV-SNP report comes from (a report carries none)
   */
  public RaTlsVerifier(QuoteVerifier quotes, SnpEndorsementSource snp) {
    this.quotes = quotes;
    this.snp = snp;
  }

  /**
   * A verifier with the standard trust anchors that remembers signature checks by digest; SEV-SNP
   * VCEKs from the KDS {@link KdsEndorsementSource#fromEnvironment()} names.
   */
  public static RaTlsVerifier standard() {
    return new RaTlsVerifier(QuoteVerifier.cached());
  }

  /** Appraises a DER or PEM certificate. */
  public RaTlsAppraisal verify(
      byte[] certificate, AppraisalPolicy policy, Instant at, RaTlsOptions options) {
    try {
      return verify(X509Codec.certificate(certificate), policy, at, options);
    } catch (CertificateException e) {
      return rejected(
          RaTlsCheck.CERTIFICATE_FORMAT, "the certificate cannot be read: " + e.getMessage());
    }
  }

  public RaTlsAppraisal verify(
      X509Certificate certificate, AppraisalPolicy policy, Instant at, RaTlsOptions options) {
    List<RaTlsReason> reasons = new ArrayList<>();
    checkCertificate(certificate, at, reasons);

    RaTlsEvidence evidence;
    try {
      evidence = RaTlsExtensions.read(certificate);
    } catch (RaTlsFormatException e) {
      reasons.add(new RaTlsReason(RaTlsCheck.EXTENSIONS, e.getMessage()));
      return new RaTlsAppraisal(Optional.empty(), Optional.empty(), reasons);
    }
    byte[] quote = evidence.evidence().quote().toByteArray();
    byte[] claimBytes = evidence.evidence().claims().toByteArray();
    evidence
        .legacyQuote()
        .filter(legacy -> !legacy.equals(evidence.evidence().quote()))
        .ifPresent(
            legacy ->
                reasons.add(
                    new RaTlsReason(
                        RaTlsCheck.LEGACY_QUOTE,
                        "the legacy quote extension holds a different quote than the evidence")));

    Optional<AttestationClaims> claims = decodeClaims(claimBytes, reasons);
    claims.ifPresent(c -> checkClaimsAgainstCertificate(c, certificate, reasons));

    Optional<Appraisal> appraisal =
        isSnp(quote)
            ? snpAppraisal(quote, policy, at, reasons)
            : collateral(evidence, options, at, quote, reasons)
                .map(c -> quotes.verify(quote, c, policy, at));
    appraisal.ifPresent(
        a -> {
          for (Reason r : a.reasons()) {
            reasons.add(new RaTlsReason(RaTlsCheck.QUOTE, r.message()));
          }
        });
    Optional<ByteString> reportData =
        appraisal.isPresent() ? appraisal.get().reportData() : reportDataOf(quote);
    ByteString expected = AttestationClaims.reportDataOf(claimBytes);
    if (reportData.isEmpty()) {
      if (appraisal.isEmpty()) {
        reasons.add(new RaTlsReason(RaTlsCheck.QUOTE, "the quote cannot be read"));
      }
    } else if (!reportData.get().equals(expected)) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.REPORT_DATA_BINDING,
              "the quote's report data is not the SHA-512 of the certificate's claims: the"
                  + " claims were not made by the quoted enclave"));
    }
    appraisal.ifPresent(a -> claims.ifPresent(c -> checkTlsMode(c, a.tee(), reasons)));
    claims.ifPresent(c -> ExpectationCheck.check(c, options, reasons));
    return new RaTlsAppraisal(appraisal, claims, reasons);
  }

  /**
   * Appraises fresh evidence (a quote over claims, as {@code /.well-known/mse/evidence?nonce=}
   * gives) for the certificate a TLS connection served, which may be an RA-TLS certificate or, in
   * owner mode, the owner's: the quote verifies under the policy with {@code collateral}, its
   * report data is the SHA-512 of the claims, the claims name the served certificate's key, and
   * they meet {@code options} (give the nonce sent, so that old evidence cannot be replayed).
   */
  public RaTlsAppraisal verifyFresh(
      X509Certificate served,
      byte[] quote,
      byte[] claimBytes,
      Collateral collateral,
      AppraisalPolicy policy,
      Instant at,
      RaTlsOptions options) {
    return verifyFresh(served, quote, claimBytes, Optional.of(collateral), policy, at, options);
  }

  /**
   * As above, with the collateral {@link FreshCollateral#choose} picked: none for an SEV-SNP report
   * (its VCEK comes from this verifier's KDS source); a DCAP quote without collateral is refused.
   */
  public RaTlsAppraisal verifyFresh(
      X509Certificate served,
      byte[] quote,
      byte[] claimBytes,
      Optional<Collateral> collateral,
      AppraisalPolicy policy,
      Instant at,
      RaTlsOptions options) {
    List<RaTlsReason> reasons = new ArrayList<>();
    Optional<AttestationClaims> claims = decodeClaims(claimBytes, reasons);
    claims.ifPresent(
        c -> {
          ByteString spkiHash = RaTlsCertificate.pubkeyHash(served.getPublicKey());
          if (!spkiHash.equals(c.pubkeyHash())) {
            reasons.add(
                new RaTlsReason(
                    RaTlsCheck.PUBKEY_BINDING,
                    "the fresh claims name another key than the served certificate's"));
          }
        });
    Optional<Appraisal> snpAppraisal =
        isSnp(quote) ? snpAppraisal(quote, policy, at, reasons) : Optional.empty();
    if (isSnp(quote) && snpAppraisal.isEmpty()) {
      claims.ifPresent(c -> ExpectationCheck.check(c, options, reasons));
      return new RaTlsAppraisal(Optional.empty(), claims, reasons);
    }
    if (!isSnp(quote) && collateral.isEmpty()) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.COLLATERAL,
              "no collateral for the fresh quote: the enclave sent none and none was fetched"));
      claims.ifPresent(c -> ExpectationCheck.check(c, options, reasons));
      return new RaTlsAppraisal(Optional.empty(), claims, reasons);
    }
    Appraisal appraisal =
        snpAppraisal.orElseGet(() -> quotes.verify(quote, collateral.orElseThrow(), policy, at));
    for (Reason r : appraisal.reasons()) {
      reasons.add(new RaTlsReason(RaTlsCheck.QUOTE, r.message()));
    }
    Optional<ByteString> reportData =
        appraisal.reportData().isPresent() ? appraisal.reportData() : reportDataOf(quote);
    if (reportData.isEmpty()) {
      reasons.add(new RaTlsReason(RaTlsCheck.QUOTE, "the fresh quote cannot be read"));
    } else if (!reportData.get().equals(AttestationClaims.reportDataOf(claimBytes))) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.REPORT_DATA_BINDING,
              "the fresh quote's report data is not the SHA-512 of the fresh claims"));
    }
    claims.ifPresent(c -> checkTlsMode(c, appraisal.tee(), reasons));
    claims.ifPresent(c -> ExpectationCheck.check(c, options, reasons));
    return new RaTlsAppraisal(Optional.of(appraisal), claims, reasons);
  }

  /**
   * With {@code tls = "runtime"} the runtime serves the TLS and forwards plain HTTP to the app over
   * loopback. Inside a confidential VM loopback stays in the TEE; under SGX it is the host's
   * kernel, so the app's traffic would leave the enclave in clear. The runtime refuses to start
   * that way; a verifier refuses such claims from an SGX enclave too, so that the guarantee does
   * not rest on the runtime's own check alone.
   */
  static void checkTlsMode(AttestationClaims claims, TeeKind tee, List<RaTlsReason> reasons) {
    if (claims.tls() == AppTls.RUNTIME && tee == TeeKind.SGX) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.TLS_MODE,
              "the claims say the runtime serves the TLS and reaches the app over loopback, which"
                  + " SGX does not protect: the app's traffic would cross the host in clear"));
    }
  }

  private static void checkCertificate(
      X509Certificate cert, Instant at, List<RaTlsReason> reasons) {
    Optional<ECPublicKeyParameters> key = EcdsaP256.publicKey(cert);
    if (key.isEmpty()) {
      reasons.add(new RaTlsReason(RaTlsCheck.KEY, "the certificate's key is not ECDSA P-256"));
    } else if (!cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal())
        || !EcdsaP256.verifyCertificate(cert, key.get())) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.SELF_SIGNATURE,
              "the certificate is not self-signed by its own key (ECDSA-SHA256)"));
    }
    try {
      cert.checkValidity(Date.from(at));
    } catch (CertificateExpiredException e) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.VALIDITY,
              "the certificate expired at "
                  + cert.getNotAfter().toInstant()
                  + " (now "
                  + at
                  + ")"));
    } catch (CertificateNotYetValidException e) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.VALIDITY,
              "the certificate is valid only from "
                  + cert.getNotBefore().toInstant()
                  + " (now "
                  + at
                  + ")"));
    }
  }

  private static Optional<AttestationClaims> decodeClaims(
      byte[] claimBytes, List<RaTlsReason> reasons) {
    try {
      return Optional.of(AttestationClaims.decode(claimBytes));
    } catch (ClaimsFormatException e) {
      reasons.add(new RaTlsReason(RaTlsCheck.CLAIMS_FORMAT, e.getMessage()));
      return Optional.empty();
    }
  }

  private static void checkClaimsAgainstCertificate(
      AttestationClaims claims, X509Certificate cert, List<RaTlsReason> reasons) {
    ByteString spkiHash = RaTlsCertificate.pubkeyHash(cert.getPublicKey());
    if (!spkiHash.equals(claims.pubkeyHash())) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.PUBKEY_BINDING,
              "the claims' pubkey-hash "
                  + claims.pubkeyHash()
                  + " is not the SHA-256 of the certificate's key ("
                  + spkiHash
                  + "): the attested enclave does not hold this TLS key"));
    }
    if (!HostnameCheck.matches(cert, claims.domain())) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.DOMAIN_BINDING,
              "the certificate's subjectAltName does not name the claimed domain "
                  + claims.domain()));
    }
    if (!cert.getNotAfter().toInstant().equals(claims.expires())) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.EXPIRY_BINDING,
              "the certificate expires at "
                  + cert.getNotAfter().toInstant()
                  + " but the claims say "
                  + claims.expires()));
    }
  }

  /**
   * Collateral given by the caller first; else the certificate's endorsements when they are valid
   * at {@code at}; else a fetch from the caller's source (PCCS/PCS, cached); else the endorsements
   * even if out of date, so that the verifier says which date failed.
   */
  private static Optional<Collateral> collateral(
      RaTlsEvidence evidence,
      RaTlsOptions options,
      Instant at,
      byte[] quote,
      List<RaTlsReason> reasons) {
    if (options.collateral().isPresent()) {
      return options.collateral();
    }
    Optional<Collateral> embedded = Optional.empty();
    String embeddedProblem = "the certificate has no endorsements extension";
    if (evidence.endorsements().isPresent()) {
      try {
        embedded =
            Optional.of(CollateralBundleReader.read(evidence.endorsements().get()).collateral());
      } catch (CollateralFormatException e) {
        embeddedProblem =
            "the endorsements extension is not a collateral bundle: " + e.getMessage();
      }
    }
    if (embedded.isPresent() && CollateralValidity.validAt(embedded.get(), at)) {
      return embedded;
    }
    if (options.collateralSource().isPresent()) {
      try {
        return Optional.of(options.collateralSource().get().fetch(QuoteParser.parse(quote)));
      } catch (IOException | CollateralFormatException | QuoteFormatException e) {
        if (embedded.isEmpty()) {
          reasons.add(
              new RaTlsReason(
                  RaTlsCheck.COLLATERAL,
                  "no collateral: "
                      + embeddedProblem
                      + ", and fetching failed: "
                      + e.getMessage()));
          return Optional.empty();
        }
      }
    }
    if (embedded.isEmpty()) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.COLLATERAL, "no collateral: " + embeddedProblem + " and none was given"));
    }
    return embedded;
  }

  /** An SEV-SNP report (from configfs-tsm) rather than a DCAP quote. */
  private static boolean isSnp(byte[] quote) {
    return FreshCollateral.isSnpReport(quote);
  }

  /** The report appraised with the VCEK the source gives; empty (and a reason) if none. */
  private Optional<Appraisal> snpAppraisal(
      byte[] report, AppraisalPolicy policy, Instant at, List<RaTlsReason> reasons) {
    SnpEndorsements endorsements;
    try {
      endorsements = snp.forReport(SnpReportParser.parse(report));
    } catch (SnpFormatException e) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.QUOTE, "the SEV-SNP report cannot be read: " + e.getMessage()));
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      reasons.add(
          new RaTlsReason(
              RaTlsCheck.COLLATERAL, "no VCEK for the SEV-SNP report: " + e.getMessage()));
      return Optional.empty();
    }
    return Optional.of(
        SnpVerifier.verify(report, endorsements, policy, at, Optional.empty(), snpCache));
  }

  private static Optional<ByteString> reportDataOf(byte[] quote) {
    if (isSnp(quote)) {
      try {
        return Optional.of(SnpReportParser.parse(quote).reportData());
      } catch (SnpFormatException e) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(QuoteParser.parse(quote).body().reportData());
    } catch (QuoteFormatException e) {
      return Optional.empty();
    }
  }

  private static RaTlsAppraisal rejected(RaTlsCheck check, String message) {
    return new RaTlsAppraisal(
        Optional.empty(), Optional.empty(), List.of(new RaTlsReason(check, message)));
  }
}
