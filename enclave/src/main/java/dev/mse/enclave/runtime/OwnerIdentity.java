package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.enclave.front.ServerIdentity;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The owner's certificate chain (from the deployment config, public) with its private key (from the
 * provisioning message, secret): the TLS identity of an owner-mode app once provisioned.
 */
final class OwnerIdentity {
  private OwnerIdentity() {}

  static ServerIdentity of(String chainPem, String keyPem) throws GeneralSecurityException {
    List<X509Certificate> chain =
        X509Codec.certificates(chainPem.getBytes(StandardCharsets.US_ASCII));
    PrivateKey key = privateKey(keyPem, chain.getFirst());
    if (!matches(key, chain.getFirst())) {
      throw new GeneralSecurityException(
          "the owner's private key does not belong to the owner's certificate");
    }
    return new ServerIdentity(key, chain);
  }

  private static PrivateKey privateKey(String pem, X509Certificate cert)
      throws GeneralSecurityException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        try {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        } catch (IOException noCurveInKey) {
          // A SEC1 "EC PRIVATE KEY" may leave out its curve; the certificate names it.
          if (cert.getPublicKey() instanceof ECPublicKey ec) {
            BigInteger d =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                        pair.getPrivateKeyInfo().parsePrivateKey())
                    .getKey();
            return KeyFactory.getInstance("EC")
                .generatePrivate(new ECPrivateKeySpec(d, ec.getParams()));
          }
          throw noCurveInKey;
        }
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new GeneralSecurityException(
          "the owner's TLS key is not an unencrypted PEM private key");
    } catch (IOException e) {
      throw new GeneralSecurityException(
          "the owner's TLS key cannot be read: " + e.getMessage(), e);
    }
  }

  /** Proves the key pairs with the certificate by signing and verifying a challenge. */
  private static boolean matches(PrivateKey key, X509Certificate cert)
      throws GeneralSecurityException {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] challenge = "mse owner key check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(challenge);
    byte[] sig = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(cert.getPublicKey());
    verifier.update(challenge);
    return verifier.verify(sig);
  }
}
