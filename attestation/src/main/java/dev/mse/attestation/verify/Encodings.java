package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DER encodings of certificates and CRLs as {@link ByteString}s, remembered per object so that
 * their digests (cache keys) are computed once, not on every verification.
 */
final class Encodings {
  private static final int MAX = 4096;
  private static final Map<Object, ByteString> DER = new ConcurrentHashMap<>();

  private Encodings() {}

  static ByteString of(X509Certificate cert) throws CertificateEncodingException {
    ByteString der = DER.get(cert);
    if (der == null) {
      der = remember(cert, ByteString.of(cert.getEncoded()));
    }
    return der;
  }

  static ByteString of(X509CRL crl) throws CRLException {
    ByteString der = DER.get(crl);
    if (der == null) {
      der = remember(crl, ByteString.of(crl.getEncoded()));
    }
    return der;
  }

  private static ByteString remember(Object key, ByteString der) {
    if (DER.size() >= MAX) {
      DER.clear();
    }
    DER.put(key, der);
    return der;
  }
}
