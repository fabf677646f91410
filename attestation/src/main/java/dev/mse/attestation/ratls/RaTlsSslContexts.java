package dev.mse.attestation.ratls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * SSL contexts for both ends of RA-TLS: a client context that trusts exactly what a {@link
 * RaTlsTrustManager} accepts (for the JDK {@code HttpClient}, {@code HttpsURLConnection} or any
 * {@code SSLSocket}/{@code SSLEngine} user), and a server context serving an RA-TLS certificate.
 */
public final class RaTlsSslContexts {
  private static final char[] IN_MEMORY = "ratls".toCharArray();

  private RaTlsSslContexts() {}

  /** A TLS client context whose only trust decision is {@code trustManager}. */
  public static SSLContext client(RaTlsTrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS", e);
    }
  }

  /** A TLS server context presenting {@code certificate} with the key of {@code key}. */
  public static SSLContext server(KeyPair key, X509Certificate certificate) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("ratls", key.getPrivate(), IN_MEMORY, new Certificate[] {certificate});
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, IN_MEMORY);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot serve this key and certificate", e);
    }
  }
}
