package dev.mse.attestation.codec;

import java.io.ByteArrayInputStream;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads X.509 certificates and CRLs in PEM or DER. Malformed input always ends in a checked
 * exception: the JDK's parser sometimes throws unchecked ones on hostile bytes, and those are
 * converted here so that callers handle one failure type.
 */
public final class X509Codec {
  private X509Codec() {}

  private static CertificateFactory factory() throws CertificateException {
    return CertificateFactory.getInstance("X.509");
  }

  /** All certificates in {@code data}: one DER certificate, or one or more PEM blocks. */
  public static List<X509Certificate> certificates(byte[] data) throws CertificateException {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : factory().generateCertificates(new ByteArrayInputStream(data))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new CertificateException("no certificate found");
      }
      return List.copyOf(out);
    } catch (RuntimeException | StackOverflowError e) {
      // StackOverflowError: deeply nested DER exhausts the JDK parser's recursion.
      throw new CertificateException("malformed certificate: " + e.getMessage(), e);
    }
  }

  /** Exactly one certificate. */
  public static X509Certificate certificate(byte[] data) throws CertificateException {
    List<X509Certificate> all = certificates(data);
    if (all.size() != 1) {
      throw new CertificateException("expected one certificate, found " + all.size());
    }
    return all.getFirst();
  }

  /**
   * Exactly one DER certificate, {@code der} and nothing else. Read with the JDK's {@code
   * generateCertificate}, which keeps the certificates it parsed by their encoding and returns the
   * same immutable object for the same bytes (AWS's root, regional and zonal certificates are in
   * every document of a region); whatever it does not read as exactly these bytes goes to {@link
   * #certificate(byte[])}, so the accepted inputs and the errors are the same.
   */
  public static X509Certificate derCertificate(byte[] der) throws CertificateException {
    try {
      if (factory().generateCertificate(new ByteArrayInputStream(der)) instanceof X509Certificate c
          && Arrays.equals(c.getEncoded(), der)) {
        return c;
      }
    } catch (CertificateException | RuntimeException | StackOverflowError e) {
      // The general reader below decides, and says why.
    }
    return certificate(der);
  }

  /** One CRL, PEM or DER. */
  public static X509CRL crl(byte[] data) throws CRLException {
    try {
      var crl = factory().generateCRL(new ByteArrayInputStream(data));
      if (crl == null) {
        throw new CRLException("no CRL found");
      }
      return (X509CRL) crl;
    } catch (CertificateException | RuntimeException | StackOverflowError e) {
      throw new CRLException("malformed CRL: " + e.getMessage(), e);
    }
  }
}
