package dev.mse.cli.cloud;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.protocol.config.MseToml;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The owner's CA-issued certificate and key from {@code [cloud.ssl]}, checked before anything is
 * uploaded: the chain parses, each of its certificates is valid now, its leaf names the domain, and
 * the key is the leaf's. The key only ever leaves this machine inside the message sealed to the
 * verified enclave.
 *
 * @param domain the custom domain
 * @param chainPem the full chain, PEM, as the deployment config carries it
 * @param leaf the certificate the enclave will serve
 * @param privateKeyPem the key, PEM
 */
record OwnerCertificate(
    String domain, String chainPem, X509Certificate leaf, String privateKeyPem) {
  /** BouncyCastle reads SEC1 "EC PRIVATE KEY" files, which the JDK's factories refuse. */
  private static final Provider BC = new BouncyCastleProvider();

  static OwnerCertificate read(MseToml.Ssl ssl, Instant now) {
    String chainPem =
        new String(UserFiles.read(ssl.certificate(), "certificate"), StandardCharsets.US_ASCII);
    String keyPem =
        new String(UserFiles.read(ssl.privateKey(), "private key"), StandardCharsets.US_ASCII);
    List<X509Certificate> chain;
    try {
      chain = X509Codec.certificates(chainPem.getBytes(StandardCharsets.US_ASCII));
    } catch (CertificateException e) {
      throw new UserError(ssl.certificate() + " is not a PEM certificate chain", e);
    }
    if (chain.isEmpty()) {
      throw new UserError(ssl.certificate() + " holds no certificate");
    }
    for (X509Certificate c : chain) {
      checkValidity(c, ssl, now);
    }
    X509Certificate leaf = chain.getFirst();
    String domain = ssl.domainName().toLowerCase(Locale.ROOT);
    if (!names(leaf).contains(domain)) {
      throw new UserError(
          ssl.certificate() + " is not for " + domain + " (it names " + names(leaf) + ")");
    }
    PrivateKey key = privateKey(keyPem, ssl);
    if (!signs(key, leaf)) {
      throw new UserError(ssl.privateKey() + " is not the key of " + ssl.certificate());
    }
    return new OwnerCertificate(domain, chainPem, leaf, keyPem);
  }

  Instant notAfter() {
    return leaf.getNotAfter().toInstant();
  }

  /**
   * Refuses a certificate outside its validity period here, with the dates, rather than leave it to
   * an expiry in the past or the operator's chain check, which would not say why.
   */
  private static void checkValidity(X509Certificate c, MseToml.Ssl ssl, Instant now) {
    Instant notAfter = c.getNotAfter().toInstant();
    Instant notBefore = c.getNotBefore().toInstant();
    String which = c.getSubjectX500Principal().getName();
    if (now.isAfter(notAfter)) {
      throw new UserError(
          ssl.certificate() + ": the certificate " + which + " expired at " + notAfter);
    }
    if (now.isBefore(notBefore)) {
      throw new UserError(
          ssl.certificate() + ": the certificate " + which + " is not valid before " + notBefore);
    }
  }

  private static List<String> names(X509Certificate c) {
    try {
      var sans = c.getSubjectAlternativeNames();
      if (sans == null) {
        return List.of();
      }
      return sans.stream()
          .filter(l -> l.size() == 2 && Integer.valueOf(2).equals(l.get(0)))
          .map(l -> ((String) l.get(1)).toLowerCase(Locale.ROOT))
          .toList();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  private static PrivateKey privateKey(String pem, MseToml.Ssl ssl) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new UserError(ssl.privateKey() + " is not an unencrypted PEM private key");
    } catch (IOException e) {
      throw new UserError(ssl.privateKey() + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** True when {@code key} makes signatures the certificate's public key accepts. */
  private static boolean signs(PrivateKey key, X509Certificate leaf) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519" -> "Ed25519";
          default -> throw new UserError("unsupported key type " + key.getAlgorithm());
        };
    try {
      byte[] probe = "mse owner key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(algorithm, BC);
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      Signature v = Signature.getInstance(algorithm, BC);
      v.initVerify(leaf.getPublicKey());
      v.update(probe);
      return v.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
