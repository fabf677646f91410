package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.collateral.EnclaveTcbLevel;
import dev.mse.attestation.collateral.QeIdentity;
import dev.mse.attestation.collateral.QeIdentityParser;
import dev.mse.attestation.collateral.SignedJson;
import dev.mse.attestation.collateral.TcbInfo;
import dev.mse.attestation.collateral.TcbInfoParser;
import dev.mse.attestation.crypto.CertificateSignatures;
import dev.mse.attestation.crypto.EcdsaP256;
import dev.mse.attestation.pck.PckExtensionException;
import dev.mse.attestation.pck.PckExtensionParser;
import dev.mse.attestation.pck.PckExtensions;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.quote.CertificationData;
import dev.mse.attestation.quote.EnclaveReport;
import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.QuoteCertificates;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteHeader;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.quote.TdReport;
import dev.mse.attestation.trust.TrustAnchors;
import dev.mse.attestation.trust.TrustAnchors.Anchor;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * Verifies an Intel DCAP quote (SGX v3, TDX v4/v5) against collateral, trust anchors, a time and a
 * policy, with the semantics of Intel's Quote Verification Library. It reads top to bottom like
 * Intel's procedure: parse; the PCK chain up to the pinned root; the CRLs; TCB Info and QE Identity
 * with their signing chain; the QE report and the quote signature; the TCB level; then the policy.
 *
 * <p>Verification does not stop at the first failure: every check whose inputs are available runs,
 * and the appraisal lists every reason, so that one run tells a person everything that is wrong. No
 * exception escapes for bad input.
 *
 * <p>Thread-safe. With a {@link VerificationCache}, time-independent checks (signatures, parsing)
 * are done once per distinct input and remembered; time windows and the policy are evaluated on
 * every call.
 */
public final class QuoteVerifier {
  private final TrustAnchors anchors;
  private final VerificationCache cache;

  public QuoteVerifier(TrustAnchors anchors, VerificationCache cache) {
    this.anchors = anchors;
    this.cache = cache;
  }

  /** A verifier with the standard anchors that checks everything on every call. */
  public static QuoteVerifier full() {
    return new QuoteVerifier(TrustAnchors.standard(), VerificationCache.none());
  }

  /** A verifier with the standard anchors that remembers signature checks by digest. */
  public static QuoteVerifier cached() {
    return new QuoteVerifier(TrustAnchors.standard(), VerificationCache.create());
  }

  public Appraisal verify(
      byte[] quoteBytes, Collateral collateral, AppraisalPolicy policy, Instant at) {
    Quote quote;
    try {
      quote = QuoteParser.parse(quoteBytes);
    } catch (QuoteFormatException e) {
      return new Appraisal(
          Verdict.REJECTED,
          TeeKind.UNKNOWN,
          Optional.empty(),
          List.of(),
          new LinkedHashMap<>(),
          Optional.empty(),
          List.of(new Reason(Check.QUOTE_FORMAT, "the quote cannot be read: " + e.getMessage())));
    }
    Findings f = new Findings();
    checkHeader(quote, f);

    PckChain chain = readPckChain(quote, f);
    Anchor anchor = anchorOf(chain, f);
    TeeKind tee =
        anchor.kind() == Anchor.Kind.SIMULATION
            ? TeeKind.SIMULATED
            : quote.isTdx() ? TeeKind.TDX : TeeKind.SGX;
    ECPublicKeyParameters anchorKey = key(anchor.certificate());

    Optional<ECPublicKeyParameters> intermediateKey =
        chain.intermediate().flatMap(EcdsaP256::publicKey);
    Optional<ECPublicKeyParameters> leafKey = chain.leaf().flatMap(EcdsaP256::publicKey);
    checkPckChain(chain, anchor, anchorKey, intermediateKey, at, f);

    X509CRL rootCrl = collateral.rootCaCrl();
    boolean rootCrlTrusted = checkRootCrl(rootCrl, anchor, anchorKey, at, f);
    chain
        .intermediate()
        .filter(c -> rootCrlTrusted && rootCrl.isRevoked(c))
        .ifPresent(
            c ->
                f.fail(
                    Check.INTERMEDIATE_NOT_REVOKED,
                    "the PCK CA certificate (serial "
                        + c.getSerialNumber().toString(16)
                        + ") is revoked by Intel's root CRL"));
    checkPckCrl(collateral, chain, intermediateKey, at, f);

    Optional<PckExtensions> pck = chain.leaf().flatMap(leaf -> pckExtensions(leaf, f));
    // TCB Info and QE Identity are signed by the same TCB signing certificate: its chain to the
    // root is checked once per verification and the answer used for both (nothing is kept
    // between verifications).
    Map<X509Certificate, Boolean> signerIssued = new HashMap<>(2);
    Optional<TcbInfo> tcbInfo =
        signedCollateral(
                collateral.tcbInfoIssuerChain(),
                collateral.tcbInfo(),
                anchor,
                anchorKey,
                rootCrl,
                rootCrlTrusted,
                at,
                signerIssued,
                f,
                SigningChecks.TCB_INFO)
            .flatMap(body -> tcbInfo(body, f));
    tcbInfo.ifPresent(info -> checkTcbInfo(info, quote, pck, at, f));

    Optional<QeIdentity> qeIdentity =
        signedCollateral(
                collateral.qeIdentityIssuerChain(),
                collateral.qeIdentity(),
                anchor,
                anchorKey,
                rootCrl,
                rootCrlTrusted,
                at,
                signerIssued,
                f,
                SigningChecks.QE_IDENTITY)
            .flatMap(body -> qeIdentity(body, f));
    Optional<EnclaveTcbLevel> qeLevel = qeIdentity.flatMap(id -> checkQeIdentity(id, quote, at, f));

    checkQeReport(quote, leafKey, f);
    checkQuoteSignature(quote, f);

    Optional<TcbEvaluation> tcb = Optional.empty();
    if (tcbInfo.isPresent()
        && pck.isPresent()
        && qeIdentity.isPresent()
        && !f.failed(Check.TCB_INFO_MATCHES_QUOTE)) {
      Optional<TdReport> td =
          quote.body() instanceof TdReport r ? Optional.of(r) : Optional.empty();
      TcbEvaluation evaluation = TcbEvaluator.evaluate(tcbInfo.get(), pck.get(), td, qeLevel);
      evaluation.problem().ifPresent(p -> f.fail(p.check(), p.message()));
      tcb = Optional.of(evaluation);
    }

    PolicyCheck.apply(policy, tee, quote, tcb, at, f);

    List<Reason> reasons = f.reasons();
    return new Appraisal(
        reasons.isEmpty() ? Verdict.ACCEPTED : Verdict.REJECTED,
        tee,
        tcb.map(TcbEvaluation::status),
        tcb.map(TcbEvaluation::advisoryIds).orElse(List.of()),
        Measurements.of(quote.body()),
        Optional.of(quote.body().reportData()),
        reasons);
  }

  // ---- header -------------------------------------------------------------------------------

  private static void checkHeader(Quote quote, Findings f) {
    if (!quote.header().qeVendorId().equals(QuoteHeader.INTEL_QE_VENDOR_ID)) {
      f.fail(
          Check.QE_VENDOR_ID_IS_INTEL,
          "the quote was made by a quoting enclave of vendor "
              + quote.header().qeVendorId()
              + ", not Intel's "
              + QuoteHeader.INTEL_QE_VENDOR_ID);
    }
  }

  // ---- PCK chain ----------------------------------------------------------------------------

  private record PckChain(
      Optional<X509Certificate> leaf,
      Optional<X509Certificate> intermediate,
      Optional<X509Certificate> root) {}

  /**
   * The PEM chain of the certification data, each certificate read on its own so that a damaged one
   * is named precisely. Parsed chains are cached by the digest of their text.
   */
  private PckChain readPckChain(Quote quote, Findings f) {
    CertificationData cert = quote.signatureData().certification();
    if (cert.type() != CertificationData.PCK_CERT_CHAIN) {
      f.fail(
          Check.PCK_CHAIN_FORMAT,
          "the quote carries certification data of type "
              + cert.type()
              + "; only type 5 (the PCK certificate chain) can be verified offline");
      return new PckChain(Optional.empty(), Optional.empty(), Optional.empty());
    }
    List<Optional<X509Certificate>> certs =
        cache.get(
            "pck-chain",
            () -> List.of(cert.data()),
            () ->
                QuoteCertificates.eachCertificate(
                    cert.data(),
                    List.of(anchors.intel().certificate(), anchors.simulation().certificate())));
    if (certs.size() != 3) {
      f.fail(
          Check.PCK_CHAIN_FORMAT,
          "the PCK certificate chain has "
              + certs.size()
              + " certificates; Intel's has three (PCK, PCK CA, root)");
    }
    Optional<X509Certificate> leaf = certs.isEmpty() ? Optional.empty() : certs.getFirst();
    Optional<X509Certificate> intermediate = certs.size() > 1 ? certs.get(1) : Optional.empty();
    Optional<X509Certificate> root = certs.size() > 2 ? certs.getLast() : Optional.empty();
    if (leaf.isEmpty()) {
      f.fail(
          Check.PCK_LEAF_ISSUED_BY_INTERMEDIATE, "the PCK certificate in the quote cannot be read");
    }
    if (intermediate.isEmpty()) {
      f.fail(
          Check.PCK_INTERMEDIATE_ISSUED_BY_ROOT,
          "the PCK CA certificate in the quote cannot be read");
    }
    return new PckChain(leaf, intermediate, root);
  }

  /** The pinned anchor the chain ends at; the Intel root stands in when it ends nowhere known. */
  private Anchor anchorOf(PckChain chain, Findings f) {
    Optional<Anchor> anchor = chain.root().flatMap(anchors::match);
    if (anchor.isEmpty()) {
      f.fail(
          Check.QUOTE_EMBEDDED_ROOT_EQUALS_TRUSTED_ROOT,
          chain.root().isEmpty()
              ? "the quote's PCK chain has no readable root certificate"
              : "the quote's PCK chain ends at a root that is not the Intel SGX Root CA (SHA-256 "
                  + TrustAnchors.INTEL_SGX_ROOT_CA_SHA256
                  + ")");
      return anchors.intel();
    }
    return anchor.get();
  }

  private void checkPckChain(
      PckChain chain,
      Anchor anchor,
      ECPublicKeyParameters anchorKey,
      Optional<ECPublicKeyParameters> intermediateKey,
      Instant at,
      Findings f) {
    chain
        .intermediate()
        .ifPresent(
            ca -> {
              if (!signedBy(ca, anchor.certificate(), anchorKey)) {
                f.fail(
                    Check.PCK_INTERMEDIATE_ISSUED_BY_ROOT,
                    "the PCK CA certificate '" + cn(ca) + "' is not signed by the trusted root");
              }
              validity(ca, at, Check.PCK_INTERMEDIATE_VALIDITY, "the PCK CA certificate", f);
            });
    chain
        .leaf()
        .ifPresent(
            leaf -> {
              boolean signed =
                  chain.intermediate().isPresent()
                      && intermediateKey.isPresent()
                      && signedBy(leaf, chain.intermediate().get(), intermediateKey.get());
              if (!signed && chain.intermediate().isPresent()) {
                f.fail(
                    Check.PCK_LEAF_ISSUED_BY_INTERMEDIATE,
                    "the PCK certificate is not signed by the PCK CA '"
                        + cn(chain.intermediate().get())
                        + "'");
              }
              validity(leaf, at, Check.PCK_LEAF_VALIDITY, "the PCK certificate", f);
            });
    validity(anchor.certificate(), at, Check.ROOT_VALIDITY, "the root CA certificate", f);
  }

  /** Signature by the issuer's key and name chaining; cached by the digest of both encodings. */
  private boolean signedBy(
      X509Certificate child, X509Certificate issuer, ECPublicKeyParameters issuerKey) {
    List<ByteString> pair;
    try {
      pair = List.of(Encodings.of(child), Encodings.of(issuer));
    } catch (CertificateEncodingException e) {
      return false;
    }
    return cache.get(
        "cert-signature",
        () -> pair,
        () ->
            CertificateSignatures.sameName(
                    child.getIssuerX500Principal(), issuer.getSubjectX500Principal())
                && issuer.getBasicConstraints() >= 0
                && EcdsaP256.verifyCertificate(child, issuerKey));
  }

  // ---- CRLs ---------------------------------------------------------------------------------

  private boolean checkRootCrl(
      X509CRL crl, Anchor anchor, ECPublicKeyParameters anchorKey, Instant at, Findings f) {
    boolean trusted =
        CertificateSignatures.sameName(
                crl.getIssuerX500Principal(), anchor.certificate().getSubjectX500Principal())
            && crlSignedBy(crl, anchorKey);
    if (!trusted) {
      f.fail(
          Check.ROOT_CRL_SIGNED_BY_ROOT,
          "the root CA CRL is not issued and signed by the trusted root");
    }
    crlValidity(crl, at, Check.ROOT_CRL_VALIDITY, "the root CA CRL", f);
    return trusted;
  }

  private void checkPckCrl(
      Collateral collateral,
      PckChain chain,
      Optional<ECPublicKeyParameters> intermediateKey,
      Instant at,
      Findings f) {
    X509CRL crl = collateral.pckCrl();
    crlValidity(crl, at, Check.PCK_CRL_VALIDITY, "the PCK CRL", f);
    if (chain.intermediate().isEmpty()) {
      return;
    }
    X509Certificate ca = chain.intermediate().get();
    boolean issuerMatches =
        CertificateSignatures.sameName(crl.getIssuerX500Principal(), ca.getSubjectX500Principal());
    if (!issuerMatches) {
      f.fail(
          Check.PCK_CRL_ISSUER_MATCHES,
          "the PCK CRL is issued by '"
              + crl.getIssuerX500Principal().getName()
              + "', not by the PCK CA '"
              + cn(ca)
              + "' that issued the quote's PCK certificate");
    }
    boolean signed = intermediateKey.isPresent() && crlSignedBy(crl, intermediateKey.get());
    if (!signed) {
      f.fail(
          Check.PCK_CRL_SIGNED_BY_INTERMEDIATE,
          "the PCK CRL is not signed by the PCK CA '" + cn(ca) + "'");
    }
    List<X509Certificate> issuerChain = collateral.pckCrlIssuerChain();
    if (!issuerChain.isEmpty() && issuerChain.stream().noneMatch(ca::equals)) {
      f.fail(
          Check.PCK_CRL_ISSUER_CHAIN_CONTAINS_INTERMEDIATE,
          "the PCK CRL issuer chain of the collateral does not contain the quote's PCK CA '"
              + cn(ca)
              + "'");
    }
    if (issuerMatches && signed) {
      chain
          .leaf()
          .filter(crl::isRevoked)
          .ifPresent(
              leaf ->
                  f.fail(
                      Check.PCK_LEAF_NOT_REVOKED,
                      "the PCK certificate (serial "
                          + leaf.getSerialNumber().toString(16)
                          + ") is revoked"));
    }
  }

  private boolean crlSignedBy(X509CRL crl, ECPublicKeyParameters key) {
    ByteString encoded;
    try {
      encoded = Encodings.of(crl);
    } catch (CRLException e) {
      return false;
    }
    return cache.get(
        "crl-signature",
        () -> List.of(encoded, ByteString.of(key.getQ().getEncoded(false))),
        () -> EcdsaP256.verifyCrl(crl, key));
  }

  // ---- TCB Info and QE Identity -------------------------------------------------------------

  /** The checks of one signed collateral document, named for the document. */
  private enum SigningChecks {
    TCB_INFO(
        "the TCB Info",
        Check.TCB_SIGNING_CERT_ISSUED_BY_ROOT,
        Check.TCB_SIGNING_CERT_NOT_REVOKED,
        Check.TCB_SIGNING_CERT_VALIDITY,
        Check.TCB_INFO_SIGNATURE),
    QE_IDENTITY(
        "the QE Identity",
        Check.QE_IDENTITY_SIGNING_CERT_ISSUED_BY_ROOT,
        Check.QE_IDENTITY_SIGNING_CERT_NOT_REVOKED,
        Check.QE_IDENTITY_SIGNING_CERT_VALIDITY,
        Check.QE_IDENTITY_SIGNATURE);

    final String document;
    final Check issued;
    final Check notRevoked;
    final Check validity;
    final Check signature;

    SigningChecks(
        String document, Check issued, Check notRevoked, Check validity, Check signature) {
      this.document = document;
      this.issued = issued;
      this.notRevoked = notRevoked;
      this.validity = validity;
      this.signature = signature;
    }
  }

  /**
   * Checks the signing certificate (first of the issuer chain) against the pinned root and its CRL,
   * and the document's signature; returns the signed body when the signature holds. The chain's own
   * root is never used: the anchor is.
   */
  private Optional<ByteString> signedCollateral(
      List<X509Certificate> issuerChain,
      SignedJson document,
      Anchor anchor,
      ECPublicKeyParameters anchorKey,
      X509CRL rootCrl,
      boolean rootCrlTrusted,
      Instant at,
      Map<X509Certificate, Boolean> signerIssued,
      Findings f,
      SigningChecks checks) {
    if (issuerChain.isEmpty()) {
      f.fail(checks.issued, "the collateral has no signing certificate for " + checks.document);
      f.fail(
          checks.signature,
          "the signature of "
              + checks.document
              + " cannot be checked without its signing certificate");
      return Optional.empty();
    }
    X509Certificate signer = issuerChain.getFirst();
    Boolean issued = signerIssued.get(signer);
    if (issued == null) {
      issued = signedBy(signer, anchor.certificate(), anchorKey);
      signerIssued.put(signer, issued);
    }
    if (!issued) {
      f.fail(
          checks.issued,
          "the signing certificate of "
              + checks.document
              + " ('"
              + cn(signer)
              + "') is not signed by the trusted root");
    }
    if (rootCrlTrusted && rootCrl.isRevoked(signer)) {
      f.fail(
          checks.notRevoked,
          "the signing certificate of " + checks.document + " is revoked by the root CRL");
    }
    validity(signer, at, checks.validity, "the signing certificate of " + checks.document, f);
    Optional<ECPublicKeyParameters> signerKey = EcdsaP256.publicKey(signer);
    boolean valid =
        signerKey.isPresent()
            && cache.get(
                "json-signature",
                () ->
                    List.of(
                        document.body(),
                        document.signature(),
                        ByteString.of(signerKey.get().getQ().getEncoded(false))),
                () ->
                    EcdsaP256.verifyRaw(
                        signerKey.get(), document.body().toByteArray(), document.signature()));
    if (!valid) {
      f.fail(
          checks.signature, "the signature of " + checks.document + " does not match its content");
      return Optional.empty();
    }
    return Optional.of(document.body());
  }

  private Optional<TcbInfo> tcbInfo(ByteString body, Findings f) {
    Optional<TcbInfo> parsed =
        cache.get(
            "tcb-info",
            () -> List.of(body),
            () -> {
              try {
                return Optional.of(TcbInfoParser.parse(body));
              } catch (CollateralFormatException e) {
                return Optional.<TcbInfo>empty();
              }
            });
    if (parsed.isEmpty()) {
      f.fail(Check.COLLATERAL_FORMAT, "the TCB Info is signed but cannot be read");
    }
    return parsed;
  }

  private Optional<QeIdentity> qeIdentity(ByteString body, Findings f) {
    Optional<QeIdentity> parsed =
        cache.get(
            "qe-identity",
            () -> List.of(body),
            () -> {
              try {
                return Optional.of(QeIdentityParser.parse(body));
              } catch (CollateralFormatException e) {
                return Optional.<QeIdentity>empty();
              }
            });
    if (parsed.isEmpty()) {
      f.fail(Check.COLLATERAL_FORMAT, "the QE Identity is signed but cannot be read");
    }
    return parsed;
  }

  private Optional<PckExtensions> pckExtensions(X509Certificate leaf, Findings f) {
    try {
      return Optional.of(PckExtensionParser.parse(leaf));
    } catch (PckExtensionException e) {
      f.fail(
          Check.PCK_EXTENSIONS,
          "the PCK certificate's SGX extensions cannot be read: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static void checkTcbInfo(
      TcbInfo info, Quote quote, Optional<PckExtensions> pck, Instant at, Findings f) {
    window(info.issueDate(), info.nextUpdate(), at, Check.TCB_INFO_VALIDITY, "the TCB Info", f);
    if (quote.isTdx() && !(info.isTdx() && info.version() >= 3)) {
      f.fail(
          Check.TCB_INFO_MATCHES_QUOTE,
          "the quote comes from a TD but the TCB Info is for "
              + info.id()
              + " (version "
              + info.version()
              + ")");
    } else if (!quote.isTdx() && info.isTdx()) {
      f.fail(
          Check.TCB_INFO_MATCHES_QUOTE,
          "the quote comes from an SGX enclave but the TCB Info is for TDX");
    }
    pck.ifPresent(
        p -> {
          if (!p.fmspc().equals(info.fmspc())) {
            f.fail(
                Check.FMSPC_MATCHES,
                "the TCB Info is for FMSPC "
                    + info.fmspc()
                    + " but the platform's FMSPC is "
                    + p.fmspc());
          }
          if (!p.pceId().equals(info.pceId())) {
            f.fail(
                Check.PCEID_MATCHES,
                "the TCB Info is for PCE ID "
                    + info.pceId()
                    + " but the platform's PCE ID is "
                    + p.pceId());
          }
        });
  }

  /** The QE report against its identity; returns the QE's TCB level if one matches. */
  private static Optional<EnclaveTcbLevel> checkQeIdentity(
      QeIdentity identity, Quote quote, Instant at, Findings f) {
    window(
        identity.issueDate(),
        identity.nextUpdate(),
        at,
        Check.QE_IDENTITY_VALIDITY,
        "the QE Identity",
        f);
    String expectedId = quote.isTdx() ? "TD_QE" : "QE";
    EnclaveReport qe = quote.signatureData().qeReport();
    if (!expectedId.equals(identity.id())) {
      f.fail(
          Check.QE_IDENTITY_MATCH,
          "the QE Identity is for '"
              + identity.id()
              + "' but this quote needs the identity of '"
              + expectedId
              + "'");
    }
    if (!identity.mrSigner().equals(qe.mrSigner())) {
      f.fail(
          Check.QE_IDENTITY_MATCH,
          "the quoting enclave's MRSIGNER "
              + qe.mrSigner()
              + " is not Intel's "
              + identity.mrSigner());
    }
    if (identity.isvProdId() != qe.isvProdId()) {
      f.fail(
          Check.QE_IDENTITY_MATCH,
          "the quoting enclave's ISVPRODID is "
              + qe.isvProdId()
              + ", expected "
              + identity.isvProdId());
    }
    ByteString misc = littleEndian32(qe.miscSelect());
    if (!masked(misc, identity.miscSelectMask()).equals(identity.miscSelect())) {
      f.fail(
          Check.QE_IDENTITY_MATCH,
          "the quoting enclave's MISCSELECT " + misc + " does not match its identity");
    }
    if (!masked(qe.attributes(), identity.attributesMask()).equals(identity.attributes())) {
      f.fail(
          Check.QE_IDENTITY_MATCH,
          "the quoting enclave's ATTRIBUTES " + qe.attributes() + " do not match its identity");
    }
    return TcbEvaluator.qeLevel(identity, qe.isvSvn());
  }

  private static ByteString littleEndian32(long value) {
    return ByteString.of(
        new byte[] {
          (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)
        });
  }

  private static ByteString masked(ByteString value, ByteString mask) {
    if (value.size() != mask.size()) {
      return ByteString.EMPTY;
    }
    byte[] out = new byte[value.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (value.byteAt(i) & mask.byteAt(i));
    }
    return ByteString.of(out);
  }

  // ---- QE report and quote signature --------------------------------------------------------

  private static void checkQeReport(
      Quote quote, Optional<ECPublicKeyParameters> pckKey, Findings f) {
    var sig = quote.signatureData();
    EnclaveReport qe = sig.qeReport();
    if (pckKey.isEmpty()
        || !EcdsaP256.verifyRaw(pckKey.get(), qe.raw().toByteArray(), sig.qeReportSignature())) {
      f.fail(
          Check.QE_REPORT_SIGNATURE, "the QE report is not signed by the PCK key of the platform");
    }
    byte[] expected;
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sig.attestationKey().writeTo(sha256);
      sig.qeAuthData().writeTo(sha256);
      expected = Arrays.copyOf(sha256.digest(), 64);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (!MessageDigest.isEqual(expected, qe.reportData().toByteArray())) {
      f.fail(
          Check.QE_REPORT_DATA_BINDING,
          "the QE report does not vouch for the attestation key (its report data is not SHA-256 of the key and the QE authentication data)");
    }
  }

  private static void checkQuoteSignature(Quote quote, Findings f) {
    var sig = quote.signatureData();
    Optional<ECPublicKeyParameters> key = EcdsaP256.publicKeyFromRaw(sig.attestationKey());
    if (key.isEmpty()) {
      f.fail(Check.ATTESTATION_KEY, "the attestation key is not a valid P-256 public key");
      f.fail(
          Check.QUOTE_SIGNATURE,
          "the quote signature cannot be checked without a valid attestation key");
      return;
    }
    if (!EcdsaP256.verifyRaw(key.get(), quote.signedRegion().toByteArray(), sig.signature())) {
      f.fail(Check.QUOTE_SIGNATURE, "the quote signature does not match its header and report");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static ECPublicKeyParameters key(X509Certificate anchor) {
    return EcdsaP256.publicKey(anchor)
        .orElseThrow(() -> new IllegalStateException("a trust anchor without a P-256 key"));
  }

  private static void validity(
      X509Certificate cert, Instant at, Check check, String what, Findings f) {
    window(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), at, check, what, f);
  }

  private static void crlValidity(X509CRL crl, Instant at, Check check, String what, Findings f) {
    if (crl.getNextUpdate() == null) {
      f.fail(check, what + " has no next-update time");
      return;
    }
    window(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant(), at, check, what, f);
  }

  private static void window(
      Instant from, Instant to, Instant at, Check check, String what, Findings f) {
    if (at.isBefore(from)) {
      f.fail(check, what + " is not valid yet at " + at + " (valid from " + from + ")");
    } else if (at.isAfter(to)) {
      f.fail(check, what + " expired at " + to + " (checked at " + at + ")");
    }
  }

  private static String cn(X509Certificate cert) {
    String name = cert.getSubjectX500Principal().getName();
    for (String part : name.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return name;
  }
}
