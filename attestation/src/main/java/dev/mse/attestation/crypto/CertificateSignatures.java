package dev.mse.attestation.crypto;

import java.security.cert.X509Certificate;
import java.util.Optional;

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
}
