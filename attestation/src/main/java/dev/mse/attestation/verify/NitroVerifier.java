package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.crypto.EcdsaP384;
import dev.mse.attestation.nitro.NitroDocument;
import dev.mse.attestation.nitro.NitroDocumentParser;
import dev.mse.attestation.nitro.NitroFormatException;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.trust.NitroRoot;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * Verifies an AWS Nitro Enclaves attestation document: parse; {@code cabundle[0]} is the pinned AWS
 * root; the pinned root, the rest of the bundle and the leaf chain, each valid at the given time;
 * the COSE_Sign1 ES384 signature under the leaf's key; then the policy (debug mode, PCR0-8) and the
 * binding of user data, nonce and public key. Every check whose inputs exist runs; no exception
 * escapes for bad input. Thread-safe and stateless.
 */
public final class NitroVerifier {
  private NitroVerifier() {}

  public static Appraisal verify(
      byte[] document, AppraisalPolicy policy, Instant at, NitroBinding binding) {
    return verify(document, policy, at, binding, VerificationCache.none());
  }

  /**
   * As {@link #verify(byte[], AppraisalPolicy, Instant, NitroBinding)}, with the certificate
   * chain's signature checks remembered in {@code cache} by the digest of the certificates: a Nitro
   * host's documents share the root, regional and zonal certificates, and its leaf for hours. The
   * document's own signature, every validity window and the policy are checked on every call.
   */
  public static Appraisal verify(
      byte[] document,
      AppraisalPolicy policy,
      Instant at,
      NitroBinding binding,
      VerificationCache cache) {
    NitroDocument doc;
    try {
      doc = NitroDocumentParser.parse(document);
    } catch (NitroFormatException e) {
      return rejected(
          TeeKind.UNKNOWN,
          new LinkedHashMap<>(),
          List.of(
              new Reason(
                  Check.NITRO_DOCUMENT_FORMAT,
                  "the attestation document cannot be read: " + e.getMessage())));
    }
    Findings f = new Findings();
    SequencedMap<String, String> measurements = measurements(doc);
    Optional<List<X509Certificate>> chain = chain(doc, f);
    chain.ifPresent(
        c -> {
          if (!NitroRoot.matches(c.getFirst())) {
            f.fail(
                Check.NITRO_ROOT,
                "the document's CA bundle does not start at the AWS Nitro Enclaves root (its SHA-256 is not "
                    + NitroRoot.SHA256
                    + ")");
          }
          List<X509Certificate> anchored = new ArrayList<>(c);
          anchored.set(0, NitroRoot.certificate());
          ChainCheck.check(anchored, at, Check.NITRO_CHAIN, Check.NITRO_CHAIN_VALIDITY, cache, f);
          if (!EcdsaP384.verifyRaw(
              c.getLast().getPublicKey(), doc.signedBytes(), doc.signature())) {
            f.fail(
                Check.COSE_SIGNATURE,
                "the document's signature does not verify under its certificate's P-384 key");
          }
        });
    if (chain.isEmpty()) {
      f.fail(Check.COSE_SIGNATURE, "the signature cannot be checked without the certificate");
    }
    applyPolicy(policy.nitro(), doc, binding, f);
    if (f.reasons().isEmpty()) {
      return new Appraisal(
          Verdict.ACCEPTED,
          TeeKind.NITRO,
          Optional.empty(),
          List.of(),
          measurements,
          doc.userData(),
          List.of());
    }
    return rejected(TeeKind.NITRO, measurements, f.reasons());
  }

  private static Optional<List<X509Certificate>> chain(NitroDocument doc, Findings f) {
    List<X509Certificate> out = new ArrayList<>();
    List<ByteString> ders = new ArrayList<>(doc.caBundle());
    ders.add(doc.certificate());
    for (int i = 0; i < ders.size(); i++) {
      if (i == 0 && NitroRoot.isRoot(ders.get(i))) {
        // The same bytes as the pinned root: its parsed copy stands for them.
        out.add(NitroRoot.certificate());
        continue;
      }
      try {
        out.add(X509Codec.derCertificate(ders.get(i).toByteArray()));
      } catch (CertificateException e) {
        f.fail(
            Check.NITRO_DOCUMENT_FORMAT,
            (i == ders.size() - 1 ? "the certificate" : "cabundle[" + i + "]")
                + " is not a DER certificate");
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }

  private static void applyPolicy(
      AppraisalPolicy.Nitro policy, NitroDocument doc, NitroBinding binding, Findings f) {
    if (doc.debug() && !policy.allowDebug()) {
      f.fail(
          Check.DEBUG,
          "the enclave runs in debug mode (PCR0 is all zero): the host can read its memory");
    }
    for (int i = 0; i < policy.pcrs().size(); i++) {
      List<ByteString> accepted = policy.pcrs().get(i);
      Optional<ByteString> actual = doc.pcr(i);
      if (!accepted.isEmpty() && (actual.isEmpty() || !accepted.contains(actual.get()))) {
        f.fail(
            Check.MEASUREMENT,
            "PCR"
                + i
                + " is "
                + actual.map(ByteString::hex).orElse("absent")
                + ", not one the policy accepts");
      }
    }
    bind(binding.userData(), doc.userData(), Check.USER_DATA_BINDING, "user data", f);
    bind(binding.nonce(), doc.nonce(), Check.NONCE_BINDING, "nonce", f);
    bind(binding.publicKey(), doc.publicKey(), Check.PUBLIC_KEY_BINDING, "public key", f);
  }

  private static void bind(
      Optional<ByteString> expected,
      Optional<ByteString> actual,
      Check check,
      String what,
      Findings f) {
    if (expected.isPresent()
        && (actual.isEmpty()
            || !MessageDigest.isEqual(expected.get().toByteArray(), actual.get().toByteArray()))) {
      f.fail(
          check,
          "the document's "
              + what
              + (actual.isEmpty() ? " is absent" : " is not the expected one"));
    }
  }

  static SequencedMap<String, String> measurements(NitroDocument doc) {
    SequencedMap<String, String> m = new LinkedHashMap<>();
    doc.pcrs().forEach((i, v) -> m.put("pcr" + i, v.hex()));
    m.put("module_id", doc.moduleId());
    m.put("digest", doc.digest());
    m.put("timestamp", doc.timestamp().toString());
    m.put("public_key", doc.publicKey().map(ByteString::hex).orElse(""));
    m.put("user_data", doc.userData().map(ByteString::hex).orElse(""));
    m.put("nonce", doc.nonce().map(ByteString::hex).orElse(""));
    return m;
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
