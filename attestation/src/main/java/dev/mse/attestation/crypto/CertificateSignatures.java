package dev.mse.attestation.crypto;

import java.security.cert.X509Certificate;

/**
 * Whether one certificate issued another, for the chains checked with the JDK's verifiers (AWS
 * Nitro: ECDSA P-384; AMD: RSASSA-PSS with SHA-384). The names must chain, the issuer must be a CA,
 * and the signature must verify under the issuer's key; any exception means "no".
 */
public final class CertificateSignatures {
  private CertificateSignatures() {}

  public static boolean issuedBy(X509Certificate child, X509Certificate issuer) {
    if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
        || issuer.getBasicConstraints() < 0) {
      return false;
    }
    try {
      child.verify(issuer.getPublicKey());
      return true;
    } catch (Exception e) {
      // Any failure, including a provider's unchecked exception on hostile input, is "not issued".
      return false;
    }
  }
}
