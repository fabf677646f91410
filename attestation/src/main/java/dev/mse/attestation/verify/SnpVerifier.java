package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.crypto.EcdsaP384;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.snp.SnpFormatException;
import dev.mse.attestation.snp.SnpReport;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.attestation.snp.SnpTcb;
import dev.mse.attestation.snp.VekExtensionParser;
import dev.mse.attestation.snp.VekExtensions;
import dev.mse.attestation.trust.AmdRoots;
import dev.mse.attestation.trust.AmdRoots.Product;
import dev.mse.attestation.trust.SimulatedAmdRoots;
import java.security.MessageDigest;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * Verifies an AMD SEV-SNP attestation report: parse; the VCEK (or VLEK) up to the pinned ASK (or
 * ASVK) and ARK of its product, each valid at the given time; the CRL when one is given; the VCEK's
 * TCB extensions against the report's reported TCB and its hwID against the chip id; the ECDSA
 * P-384 signature over bytes [0, 0x2A0); then the policy and the report data binding. Every check
 * whose inputs exist runs; no exception escapes for bad input. Thread-safe and stateless.
 *
 * <p>A VCEK issued by the simulated ASK ({@link SimulatedAmdRoots}) is checked up to the simulated
 * ARK instead, and the appraisal's TEE is SIMULATED: rejected unless the policy allows simulation.
 *
 * <p>The appraisal's measurements say whether revocation was checked ({@code revocation}: {@code
 * checked} or {@code not checked}), since without a CRL it was not.
 */
public final class SnpVerifier {
  private SnpVerifier() {}

  public static Appraisal verify(
      byte[] reportBytes,
      SnpEndorsements endorsements,
      AppraisalPolicy policy,
      Instant at,
      Optional<ByteString> expectedReportData) {
    return verify(
        reportBytes, endorsements, policy, at, expectedReportData, VerificationCache.none());
  }

  /**
   * As {@link #verify(byte[], SnpEndorsements, AppraisalPolicy, Instant, Optional)}, with the
   * signature checks of the ARK, ASK/ASVK, VCEK/VLEK chain and of the CRL remembered in {@code
   * cache} by the digest of the certificates (a chip's reports share its VCEK until its TCB
   * changes). The report's own signature, every validity window, the TCB and the policy are checked
   * on every call.
   */
  public static Appraisal verify(
      byte[] reportBytes,
      SnpEndorsements endorsements,
      AppraisalPolicy policy,
      Instant at,
      Optional<ByteString> expectedReportData,
      VerificationCache cache) {
    SnpReport report;
    try {
      report = SnpReportParser.parse(reportBytes);
    } catch (SnpFormatException e) {
      return rejected(
          TeeKind.UNKNOWN,
          new LinkedHashMap<>(),
          List.of(
              new Reason(
                  Check.SNP_REPORT_FORMAT,
                  "the SEV-SNP report cannot be read: " + e.getMessage())));
    }
    Findings f = new Findings();
    X509Certificate vek = endorsements.vek();
    boolean vlek = report.signingKey() == SnpReport.SIGNING_KEY_VLEK;
    if (report.signingKey() != SnpReport.SIGNING_KEY_VCEK && !vlek) {
      f.fail(
          Check.SNP_REPORT_FORMAT,
          "the report is not signed by a VCEK or VLEK (signing key " + report.signingKey() + ")");
    }
    Optional<Product> product = AmdRoots.issuerOf(vek, vlek);
    // The simulated signer's VCEK chains to mse's simulation ARK, never to AMD's: SIMULATED.
    boolean simulated = product.isEmpty() && !vlek && SimulatedAmdRoots.issued(vek);
    if (product.isEmpty() && !simulated) {
      f.fail(
          Check.AMD_ROOT,
          "the "
              + (vlek ? "VLEK" : "VCEK")
              + " is issued by '"
              + ChainCheck.cn(vek)
              + "', not by a pinned AMD "
              + (vlek ? "ASVK" : "ASK")
              + " (Milan, Genoa or Turin)");
    }
    product.ifPresent(p -> checkChain(p, vek, vlek, at, endorsements.crl(), cache, f));
    if (simulated) {
      ChainCheck.check(
          List.of(SimulatedAmdRoots.ark(), SimulatedAmdRoots.ask(), vek),
          at,
          Check.VEK_CHAIN,
          Check.VEK_CHAIN_VALIDITY,
          cache,
          f);
      // The simulated KDS's CRL is signed by the simulated ASK (the simulated ARK's key does not
      // exist) and lists revoked VCEKs directly; it is checked on the same road as AMD's.
      endorsements
          .crl()
          .ifPresent(
              c ->
                  checkRevocation(
                      c,
                      SimulatedAmdRoots.ask(),
                      "mse's simulated " + ChainCheck.cn(SimulatedAmdRoots.ask()),
                      List.of(vek),
                      at,
                      cache,
                      f));
      if (!policy.allowSimulation()) {
        f.fail(
            Check.SIMULATION,
            "the report is signed by the mse simulated SEV-SNP signer, not by AMD hardware: it"
                + " proves nothing about confidentiality (allow it only for tests)");
      }
    }
    boolean crlChecked = endorsements.crl().isPresent();
    Optional<VekExtensions> ext = extensions(vek, f);
    boolean turin = product.map(p -> p == Product.TURIN).orElse(false);
    SnpTcb reported = SnpTcb.decode(report.reportedTcb(), turin);
    ext.ifPresent(e -> checkExtensions(e, report, reported, vlek, f));
    if (!EcdsaP384.verifyRaw(
        vek.getPublicKey(), report.signedRegion().toByteArray(), report.signature())) {
      f.fail(
          Check.SNP_REPORT_SIGNATURE,
          "the report's signature does not verify under the "
              + (vlek ? "VLEK" : "VCEK")
              + "'s P-384 key");
    }
    applyPolicy(policy.snp(), report, reported, crlChecked, f);
    expectedReportData.ifPresent(
        expected -> {
          if (!MessageDigest.isEqual(expected.toByteArray(), report.reportData().toByteArray())) {
            f.fail(
                Check.REPORT_DATA_BINDING,
                "the report data is not the expected value (it does not bind this session)");
          }
        });
    SequencedMap<String, String> m = measurements(report, reported, product, vlek, crlChecked);
    if (simulated) {
      m.put("product", "simulation");
    }
    TeeKind tee = simulated ? TeeKind.SIMULATED : TeeKind.SNP;
    if (f.reasons().isEmpty()) {
      return new Appraisal(
          Verdict.ACCEPTED,
          tee,
          Optional.empty(),
          List.of(),
          m,
          Optional.of(report.reportData()),
          List.of());
    }
    return rejected(tee, m, f.reasons());
  }

  private static void checkChain(
      Product p,
      X509Certificate vek,
      boolean vlek,
      Instant at,
      Optional<X509CRL> crl,
      VerificationCache cache,
      Findings f) {
    X509Certificate signer = vlek ? p.asvk() : p.ask();
    ChainCheck.check(
        List.of(p.ark(), signer, vek), at, Check.VEK_CHAIN, Check.VEK_CHAIN_VALIDITY, cache, f);
    crl.ifPresent(
        c ->
            checkRevocation(
                c, p.ark(), "AMD's " + ChainCheck.cn(p.ark()), List.of(signer, vek), at, cache, f));
  }

  /**
   * The CRL must be issued and signed by {@code issuer} and valid at {@code at}; none of {@code
   * revocable} may be on it.
   */
  private static void checkRevocation(
      X509CRL c,
      X509Certificate issuer,
      String issuerName,
      List<X509Certificate> revocable,
      Instant at,
      VerificationCache cache,
      Findings f) {
    boolean issued =
        c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
            && crlSignedBy(c, issuer, cache);
    if (!issued) {
      f.fail(Check.VEK_REVOKED, "the CRL is not issued and signed by " + issuerName);
      return;
    }
    if (c.getNextUpdate() == null
        || at.isAfter(c.getNextUpdate().toInstant())
        || at.isBefore(c.getThisUpdate().toInstant())) {
      f.fail(Check.VEK_REVOKED, "the CRL is not valid at " + at);
    }
    for (X509Certificate cert : revocable) {
      if (c.isRevoked(cert)) {
        f.fail(
            Check.VEK_REVOKED,
            "'" + ChainCheck.cn(cert) + "' is revoked by the CRL of " + issuerName);
      }
    }
  }

  private static boolean crlSignedBy(X509CRL crl, X509Certificate issuer, VerificationCache cache) {
    List<ByteString> pair;
    try {
      pair = List.of(Encodings.of(crl), Encodings.of(issuer));
    } catch (CRLException | CertificateEncodingException e) {
      return false;
    }
    return cache.get("crl-issued", () -> pair, () -> crlSignedBy(crl, issuer));
  }

  private static boolean crlSignedBy(X509CRL crl, X509Certificate issuer) {
    try {
      crl.verify(issuer.getPublicKey());
      return true;
    } catch (Exception e) {
      // Any failure, including a provider's unchecked exception on hostile input, is "not signed".
      return false;
    }
  }

  private static Optional<VekExtensions> extensions(X509Certificate vek, Findings f) {
    try {
      return Optional.of(VekExtensionParser.parse(vek));
    } catch (SnpFormatException e) {
      f.fail(Check.VEK_FORMAT, e.getMessage());
      return Optional.empty();
    }
  }

  private static void checkExtensions(
      VekExtensions e, SnpReport report, SnpTcb reported, boolean vlek, Findings f) {
    SnpTcb certified =
        new SnpTcb(e.bootloader(), e.tee(), e.snp(), e.microcode(), e.fmc().orElse(0));
    if (!certified.equals(reported)) {
      f.fail(
          Check.VEK_TCB_MATCHES,
          "the report's reported TCB ("
              + reported
              + ") is not the one its key was issued for ("
              + certified
              + ")");
    }
    if (vlek) {
      return;
    }
    if (e.hwId().isEmpty()) {
      f.fail(Check.CHIP_ID_MATCHES, "the VCEK has no hwID extension");
      return;
    }
    ByteString hwId = e.hwId().get();
    ByteString chip = report.chipId();
    boolean matches =
        MessageDigest.isEqual(hwId.toByteArray(), chip.substring(0, hwId.size()).toByteArray())
            && chip.substring(hwId.size(), chip.size()).isAllZero();
    if (!matches) {
      f.fail(
          Check.CHIP_ID_MATCHES,
          "the report's chip id is not the chip the VCEK was issued for (hwID " + hwId + ")");
    }
  }

  private static void applyPolicy(
      AppraisalPolicy.Snp policy,
      SnpReport report,
      SnpTcb reported,
      boolean crlChecked,
      Findings f) {
    if (report.debug() && !policy.allowDebug()) {
      f.fail(
          Check.DEBUG,
          "the guest policy allows debugging (bit 19): the hypervisor can read the guest's memory");
    }
    if (report.migrationAgentAllowed() && !policy.allowMigrationAgent()) {
      f.fail(
          Check.SNP_MIGRATION_AGENT,
          "the guest policy allows a migration agent (bit 18), which the policy does not accept");
    }
    oneOf(policy.measurement(), report.measurement(), "measurement", f);
    oneOf(policy.hostData(), report.hostData(), "host_data", f);
    oneOf(policy.idKeyDigest(), report.idKeyDigest(), "id_key_digest", f);
    oneOf(policy.authorKeyDigest(), report.authorKeyDigest(), "author_key_digest", f);
    policy
        .minGuestSvn()
        .ifPresent(
            min -> {
              if (report.guestSvn() < min) {
                f.fail(
                    Check.SNP_GUEST_SVN,
                    "the guest SVN is " + report.guestSvn() + ", below the minimum " + min);
              }
            });
    policy
        .vmpl()
        .ifPresent(
            vmpl -> {
              if (report.vmpl() != vmpl) {
                f.fail(
                    Check.SNP_VMPL,
                    "the report comes from VMPL "
                        + report.vmpl()
                        + ", the policy requires "
                        + vmpl);
              }
            });
    policy
        .minTcb()
        .ifPresent(
            min -> {
              if (!reported.atLeast(min)) {
                f.fail(
                    Check.SNP_TCB,
                    "the reported TCB (" + reported + ") is below the minimum (" + min + ")");
              }
            });
    if (policy.requireCrl() && !crlChecked) {
      f.fail(
          Check.REVOCATION_CHECKED, "the policy requires a revocation check, but no CRL was given");
    }
  }

  private static void oneOf(List<ByteString> accepted, ByteString actual, String what, Findings f) {
    if (!accepted.isEmpty() && !accepted.contains(actual)) {
      f.fail(Check.MEASUREMENT, what + " " + actual + " is not one the policy accepts");
    }
  }

  static SequencedMap<String, String> measurements(
      SnpReport r, SnpTcb reported, Optional<Product> product, boolean vlek, boolean crlChecked) {
    SequencedMap<String, String> m = new LinkedHashMap<>();
    m.put("measurement", r.measurement().hex());
    m.put("host_data", r.hostData().hex());
    m.put("report_data", r.reportData().hex());
    m.put("chip_id", r.chipId().hex());
    m.put("reported_tcb", tcbHex(r.reportedTcb()));
    m.put("reported_tcb_parts", reported.toString());
    m.put("current_tcb", tcbHex(r.currentTcb()));
    m.put("committed_tcb", tcbHex(r.committedTcb()));
    m.put("launch_tcb", tcbHex(r.launchTcb()));
    m.put("version", Integer.toString(r.version()));
    m.put("guest_svn", Long.toString(r.guestSvn()));
    m.put("policy", "0x" + Long.toHexString(r.policy()));
    m.put("vmpl", Integer.toString(r.vmpl()));
    m.put("family_id", r.familyId().hex());
    m.put("image_id", r.imageId().hex());
    m.put("id_key_digest", r.idKeyDigest().hex());
    m.put("author_key_digest", r.authorKeyDigest().hex());
    m.put("report_id", r.reportId().hex());
    m.put("report_id_ma", r.reportIdMa().hex());
    m.put("platform_info", "0x" + Long.toHexString(r.platformInfo()));
    m.put("firmware", r.current().toString());
    m.put("signing_key", vlek ? "VLEK" : "VCEK");
    m.put("product", product.map(Product::kdsName).orElse("unknown"));
    m.put("revocation", crlChecked ? "checked" : "not checked");
    return m;
  }

  /** A 64-bit TCB_VERSION as 16 hex digits, most significant first (as AMD tools print it). */
  private static String tcbHex(long tcb) {
    return String.format("%016x", tcb);
  }

  private static Appraisal rejected(
      TeeKind tee, SequencedMap<String, String> measurements, List<Reason> reasons) {
    return new Appraisal(
        Verdict.REJECTED,
        tee,
        Optional.empty(),
        List.of(),
        measurements,
        Optional.empty(),
        reasons);
  }
}
