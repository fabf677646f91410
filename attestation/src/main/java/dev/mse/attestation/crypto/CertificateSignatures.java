package dev.mse.attestation.crypto;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Whether one certificate issued another, for the chains checked with the JDK's verifiers (AWS
 * Nitro: ECDSA P-384; AMD: RSASSA-PSS with SHA-384). The names must chain, the issuer must be a CA,
 * and the signature must verify under the issuer's key; any exception means "no".
 */
public final class CertificateSignatures {
  private CertificateSignatures() {}

  public static boolean issuedBy(X509Certificate child, X509Certificate issuer) {
    if (!sameName(child.getIssuerX500Principal(), issuer.getSubjectX500Principal())
        || issuer.getBasicConstraints() < 0) {
      return false;
    }
    Optional<Boolean> p384 = EcdsaP384.verifyCertificate(child, issuer.getPublicKey());
    if (p384.isPresent()) {
      // ECDSA P-384 (the Nitro chain) through BouncyCastle: the JDK's takes about 2 ms.
      return p384.get();
    }
    try {
      child.verify(issuer.getPublicKey());
      return true;
    } catch (Exception e) {
      // Any failure, including a provider's unchecked exception on hostile input, is "not issued".
      return false;
    }
  }

  /**
   * X.500 name equality. Identical encodings (Intel's, AMD's and AWS's chains always) are equal
   * without the JDK's canonical-form comparison, which builds RFC 2253 strings of both names and
   * was a few percent of a full verification; different encodings get that comparison.
   */
  public static boolean sameName(X500Principal a, X500Principal b) {
    return Arrays.equals(a.getEncoded(), b.getEncoded()) || a.equals(b);
  }
}
