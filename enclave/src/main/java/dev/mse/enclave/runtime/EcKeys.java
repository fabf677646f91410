package dev.mse.enclave.runtime;

import dev.mse.attestation.crypto.EcdsaP256;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** P-256 key helpers: the public key of a private key, for keys restored from sealed state. */
final class EcKeys {
  private EcKeys() {}

  static PublicKey publicOf(ECPrivateKey key) throws GeneralSecurityException {
    var point =
        new FixedPointCombMultiplier().multiply(EcdsaP256.DOMAIN.getG(), key.getS()).normalize();
    try {
      byte[] spki =
          new SubjectPublicKeyInfo(
                  new AlgorithmIdentifier(
                      X9ObjectIdentifiers.id_ecPublicKey, X9ObjectIdentifiers.prime256v1),
                  point.getEncoded(false))
              .getEncoded();
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("cannot encode the public key", e);
    }
  }
}
