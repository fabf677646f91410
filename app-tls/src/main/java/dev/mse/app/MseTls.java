package dev.mse.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * What an app needs to serve its own TLS inside an mse enclave, for apps that build their own
 * server (JDK {@code HttpsServer}, Javalin, embedded Jetty or Netty). Frameworks that read their
 * TLS from configuration (Spring Boot, Quarkus, Helidon, Micronaut) need nothing: the runtime sets
 * their properties before the app's {@code main} runs.
 *
 * <p>Everything is read from system properties, set by the runtime, then from the environment:
 * {@code mse.tls.port} / {@code PORT}, {@code mse.tls.host} / {@code MSE_TLS_HOST}, {@code
 * mse.tls.certificate} / {@code MSE_TLS_CERTIFICATE} (PEM chain, leaf first) and {@code
 * mse.tls.key} / {@code MSE_TLS_KEY} (PEM PKCS#8 key). Inside the enclave the two files are on a
 * memory-backed file system. When the runtime terminates TLS itself ({@code tls = "runtime"} in
 * {@code mse.toml}), {@link #enabled()} is false and the app serves plain HTTP on {@link #port()},
 * which is then a loopback port inside the TEE.
 */
public final class MseTls {
  private MseTls() {}

  /** Whether the app must serve TLS itself (false when the runtime terminates it). */
  public static boolean enabled() {
    return !"runtime".equals(setting("mse.tls.mode", "MSE_TLS_MODE", "app"));
  }

  /** The port to listen on. */
  public static int port() {
    String port = setting("mse.tls.port", "PORT", null);
    if (port == null) {
      throw new IllegalStateException("no port: neither mse.tls.port nor PORT is set");
    }
    return Integer.parseInt(port.trim());
  }

  /** The address to bind. */
  public static String host() {
    return setting("mse.tls.host", "MSE_TLS_HOST", "127.0.0.1");
  }

  /**
   * A TLS context holding the enclave's certificate and key.
   *
   * @throws IllegalStateException when TLS is the runtime's, or no certificate was given
   * @throws IOException when a file cannot be read
   * @throws GeneralSecurityException when the certificate or key cannot be decoded
   */
  public static SSLContext sslContext() throws IOException, GeneralSecurityException {
    if (!enabled()) {
      throw new IllegalStateException("the runtime terminates TLS for this app: serve plain HTTP");
    }
    String certificate = setting("mse.tls.certificate", "MSE_TLS_CERTIFICATE", null);
    String key = setting("mse.tls.key", "MSE_TLS_KEY", null);
    if (certificate == null || key == null) {
      throw new IllegalStateException(
          "no TLS identity: mse.tls.certificate and mse.tls.key (or MSE_TLS_CERTIFICATE and"
              + " MSE_TLS_KEY) are not set");
    }
    List<Certificate> chain = new ArrayList<>();
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    for (byte[] der : pemBlocks(Files.readString(Path.of(certificate)), "CERTIFICATE")) {
      chain.add(x509.generateCertificate(new java.io.ByteArrayInputStream(der)));
    }
    List<byte[]> keys = pemBlocks(Files.readString(Path.of(key)), "PRIVATE KEY");
    if (chain.isEmpty() || keys.size() != 1) {
      throw new GeneralSecurityException(
          "expected PEM certificates and one PEM PKCS#8 private key");
    }
    String algorithm = chain.get(0).getPublicKey().getAlgorithm();
    PrivateKey privateKey =
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
    char[] none = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, none);
    store.setKeyEntry("mse", privateKey, none, chain.toArray(new Certificate[0]));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, none);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return context;
  }

  private static String setting(String property, String variable, String fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isEmpty()) {
      value = System.getenv(variable);
    }
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static List<byte[]> pemBlocks(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    List<byte[]> blocks = new ArrayList<>();
    int from = pem.indexOf(begin);
    while (from >= 0) {
      int to = pem.indexOf(end, from);
      if (to < 0) {
        break;
      }
      String body = pem.substring(from + begin.length(), to);
      blocks.add(Base64.getMimeDecoder().decode(body.getBytes(StandardCharsets.US_ASCII)));
      from = pem.indexOf(begin, to);
    }
    return blocks;
  }
}
