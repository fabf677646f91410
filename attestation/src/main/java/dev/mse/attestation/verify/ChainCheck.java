package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.crypto.CertificateSignatures;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** The checks of a certificate chain that ends at a pinned anchor, shared by SNP and Nitro. */
final class ChainCheck {
  private ChainCheck() {}

  /**
   * Checks that each certificate of {@code chain} (anchor first, leaf last) issued the next, and
   * that each is valid at {@code at}. The anchor is the caller's pinned copy.
   */
  static void check(
      List<X509Certificate> chain,
      Instant at,
      Check signatures,
      Check validity,
      VerificationCache cache,
      Findings f) {
    for (int i = 1; i < chain.size(); i++) {
      X509Certificate issuer = chain.get(i - 1);
      X509Certificate child = chain.get(i);
      if (!issuedBy(child, issuer, cache)) {
        f.fail(signatures, "'" + cn(child) + "' is not issued by '" + cn(issuer) + "'");
      }
    }
    for (X509Certificate cert : chain) {
      validity(cert, at, validity, f);
    }
  }

  /** Whether {@code issuer} issued {@code child}; cached by the digest of both encodings. */
  static boolean issuedBy(X509Certificate child, X509Certificate issuer, VerificationCache cache) {
    if (!cache.remembers()) {
      // No key needed: the encodings are not copied and remembered for certificates seen once.
      return CertificateSignatures.issuedBy(child, issuer);
    }
    List<ByteString> pair;
    try {
      pair = List.of(Encodings.of(child), Encodings.of(issuer));
    } catch (CertificateEncodingException e) {
      return false;
    }
    return cache.get(
        "cert-issued", () -> pair, () -> CertificateSignatures.issuedBy(child, issuer));
  }

  static void validity(X509Certificate cert, Instant at, Check check, Findings f) {
    Instant from = cert.getNotBefore().toInstant();
    Instant to = cert.getNotAfter().toInstant();
    // The name is only built for a failure: rendering it costs more than the check.
    if (at.isBefore(from)) {
      f.fail(check, what(cert) + " is not valid yet at " + at + " (valid from " + from + ")");
    } else if (at.isAfter(to)) {
      f.fail(check, what(cert) + " expired at " + to + " (checked at " + at + ")");
    }
  }

  private static String what(X509Certificate cert) {
    return "the certificate '" + cn(cert) + "'";
  }

  static String cn(X509Certificate cert) {
    String name = cert.getSubjectX500Principal().getName();
    for (String part : name.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return name;
  }
}
