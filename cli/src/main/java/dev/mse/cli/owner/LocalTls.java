package dev.mse.cli.owner;

import dev.mse.protocol.deploy.AppTlsProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS identity of an app run on this machine without a TEE ({@code localtest}, the example
 * apps' tests): a fresh self-signed certificate for {@code localhost} and {@code 127.0.0.1} and its
 * key, written as the runtime writes the enclave's ({@code <dir>/tls/cert.pem}, the chain, and
 * {@code <dir>/tls/key.pem}, PKCS#8; the directory 0700, the files 0600), and the system properties
 * and environment through which the runtime hands them to the app before its {@code main}, so that
 * an app that serves HTTPS here serves it in the enclave.
 *
 * @param certificate the PEM certificate file
 * @param key the PEM PKCS#8 private key file
 */
public record LocalTls(Path certificate, Path key) {
  private static final Duration LIFETIME = Duration.ofDays(2);

  /** Makes a new key pair and certificate in {@code <dir>/tls}. */
  public static LocalTls create(Path dir) throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=localhost");
    X509Certificate certificate;
    try {
      certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          name,
                          new BigInteger(128, new SecureRandom()),
                          Date.from(now.minus(Duration.ofMinutes(1))),
                          Date.from(now.plus(LIFETIME)),
                          name,
                          pair.getPublic())
                      .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                      .addExtension(
                          Extension.subjectAlternativeName,
                          false,
                          new GeneralNames(
                              new GeneralName[] {
                                new GeneralName(GeneralName.dNSName, "localhost"),
                                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                              }))
                      .build(
                          new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
    Path tls = dir.resolve("tls");
    Files.createDirectories(
        tls, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path certFile = tls.resolve("cert.pem");
    Path keyFile = tls.resolve("key.pem");
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(certificate);
    }
    writePrivate(certFile, pem.toString());
    // PKCS#8, as every framework reads it (JcaPEMWriter would write the SEC1 "EC PRIVATE KEY").
    writePrivate(
        keyFile,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return new LocalTls(certFile, keyFile);
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  /**
   * The system properties the runtime sets before the app's {@code main} ({@link
   * AppTlsProperties}).
   */
  public Map<String, String> systemProperties(String host, int port) {
    return AppTlsProperties.serving(host, port, certificate, key);
  }

  /** The system properties of {@code tls = "runtime"} ({@link AppTlsProperties}). */
  public static Map<String, String> runtimeModeProperties(String host, int port) {
    return AppTlsProperties.behindRuntime(host, port);
  }

  /** The same as environment variables ({@code PORT} and {@code MSE_APP_PORT} included). */
  public Map<String, String> environment(int port) {
    return Map.of(
        "PORT",
        Integer.toString(port),
        "MSE_APP_PORT",
        Integer.toString(port),
        "MSE_TLS_CERTIFICATE",
        certificate.toString(),
        "MSE_TLS_KEY",
        key.toString());
  }

  /** The {@code -Dname=value} arguments for {@link #systemProperties}. */
  public List<String> javaOptions(String host, int port) {
    return systemProperties(host, port).entrySet().stream()
        .map(e -> "-D" + e.getKey() + "=" + e.getValue())
        .toList();
  }

  /** A client context that trusts this certificate and nothing else. */
  public SSLContext trustingOnlyIt() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      store.setCertificateEntry(
          "app", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
