package dev.mse.attestation.trust;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/** Loads a certificate shipped in the jar and refuses it unless it matches its pinned SHA-256. */
final class PinnedCertificates {
  private PinnedCertificates() {}

  static X509Certificate load(String resource, ByteString sha256) {
    X509Certificate cert;
    try (InputStream in = PinnedCertificates.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing bundled certificate " + resource);
      }
      cert = X509Codec.certificate(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException("unreadable bundled certificate " + resource, e);
    }
    if (!sha256(cert).equals(sha256)) {
      throw new IllegalStateException(
          "the bundled certificate " + resource + " does not match its pinned fingerprint");
    }
    return cert;
  }

  static ByteString sha256(X509Certificate cert) {
    try {
      return ByteString.of(cert.getEncoded()).sha256();
    } catch (CertificateEncodingException e) {
      return ByteString.EMPTY;
    }
  }
}
