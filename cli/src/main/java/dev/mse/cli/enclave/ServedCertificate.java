package dev.mse.cli.enclave;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.cli.UserError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The leaf certificate a TLS server at an address serves for a name: what a verifier is given
 * before it trusts anything. Only the handshake happens (no request is sent), with {@link
 * CapturingTrust}: the certificate is trusted afterwards, and only if fresh evidence from the
 * enclave names its key ({@link FreshEvidence#forServed}).
 */
public final class ServedCertificate {
  private static final int TIMEOUT_MILLIS = 10_000;

  private ServedCertificate() {}

  /**
   * The leaf served at {@code host:port} for {@code serverName} (SNI; not sent when empty).
   *
   * @param what how messages name the server, e.g. "the app at app.example.com"
   */
  public static X509Certificate fetch(
      String what, String host, int port, Optional<String> serverName) {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      plain.setSoTimeout(TIMEOUT_MILLIS);
      try (SSLSocket tls =
          (SSLSocket)
              CapturingTrust.context()
                  .getSocketFactory()
                  .createSocket(plain, serverName.orElse(host), port, true)) {
        SSLParameters p = tls.getSSLParameters();
        if (serverName.isPresent()) {
          p.setServerNames(List.of(new SNIHostName(serverName.get())));
        }
        tls.setSSLParameters(p);
        tls.startHandshake();
        Certificate[] chain = tls.getSession().getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
          throw new UserError(what + " serves no X.509 certificate");
        }
        return leaf;
      }
    } catch (SocketTimeoutException e) {
      throw new UserError(what + " does not answer on port " + port, e);
    } catch (IOException e) {
      throw new UserError(
          what + " cannot be reached on port " + port + ": " + EnclaveClient.rootMessage(e), e);
    }
  }

  /** SHA-256 of the DER SubjectPublicKeyInfo: the {@code spki} of an evidence request. */
  public static ByteString spki(X509Certificate certificate) {
    return RaTlsCertificate.pubkeyHash(certificate.getPublicKey());
  }

  /** The certificate as PEM, as {@code cert.pem} holds it. */
  public static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new UserError("the served certificate cannot be encoded", e);
    }
  }
}
