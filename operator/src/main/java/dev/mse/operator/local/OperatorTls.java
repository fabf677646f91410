package dev.mse.operator.local;

import java.io.IOException;
import java.io.StringReader;
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
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The operator's own TLS identity for {@code --untrusted-ssl} apps: a private CA and a wildcard
 * certificate for {@code *.<apps domain>} that the SNI proxy presents when it terminates TLS. Made
 * on first start in {@code <data dir>/tls} (keys mode 0600); users of such apps trust {@code
 * ca.pem}. A production operator puts a public CA's wildcard certificate there instead.
 */
public final class OperatorTls {
  private static final Duration CA_LIFETIME = Duration.ofDays(3650);
  private static final Duration SERVER_LIFETIME = Duration.ofDays(397);

  private final Path caFile;
  private final SSLContext serverContext;

  private OperatorTls(Path caFile, SSLContext serverContext) {
    this.caFile = caFile;
    this.serverContext = serverContext;
  }

  /** The CA certificate users of operator-mode apps trust. */
  public Path caFile() {
    return caFile;
  }

  /** What the proxy serves when it terminates TLS. */
  public SSLContext serverContext() {
    return serverContext;
  }

  /** Loads the identity in {@code dir}, making it first when absent. */
  public static OperatorTls loadOrCreate(Path dir, String appsDomain)
      throws IOException, GeneralSecurityException {
    Path ca = dir.resolve("ca.pem");
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    if (!Files.isRegularFile(cert) || !Files.isRegularFile(key) || !Files.isRegularFile(ca)) {
      create(dir, appsDomain);
    }
    X509Certificate server = readCertificate(cert);
    X509Certificate caCert = readCertificate(ca);
    PrivateKey serverKey = readKey(key);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] none = new char[0];
    ks.setKeyEntry("operator", serverKey, none, new X509Certificate[] {server, caCert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, none);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
    return new OperatorTls(ca, ctx);
  }

  private static void create(Path dir, String appsDomain)
      throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPair caKey = ecKey();
    KeyPair serverKey = ecKey();
    Instant now = Instant.now();
    X500Name caName = new X500Name("CN=mse operator CA");
    X509Certificate ca =
        sign(
            new JcaX509v3CertificateBuilder(
                    caName,
                    serial(),
                    Date.from(now.minus(Duration.ofMinutes(1))),
                    Date.from(now.plus(CA_LIFETIME)),
                    caName,
                    caKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
            caKey.getPrivate());
    X509Certificate server =
        sign(
            new JcaX509v3CertificateBuilder(
                    caName,
                    serial(),
                    Date.from(now.minus(Duration.ofMinutes(1))),
                    Date.from(now.plus(SERVER_LIFETIME)),
                    new X500Name("CN=*." + appsDomain),
                    serverKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(
                        new GeneralName[] {
                          new GeneralName(GeneralName.dNSName, "*." + appsDomain),
                          new GeneralName(GeneralName.dNSName, appsDomain)
                        })),
            caKey.getPrivate());
    Files.writeString(dir.resolve("ca.pem"), pem(ca), StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("server.pem"), pem(server), StandardCharsets.US_ASCII);
    Path key = dir.resolve("server.key");
    Files.deleteIfExists(key);
    Files.createFile(
        key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(key, pkcs8Pem(serverKey.getPrivate()), StandardCharsets.US_ASCII);
    // The CA key is not kept: the operator never issues another certificate with it.
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(128, new SecureRandom());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      X509CertificateHolder holder =
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    }
    return w.toString();
  }

  private static X509Certificate readCertificate(Path file)
      throws IOException, GeneralSecurityException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      if (p.readObject() instanceof X509CertificateHolder h) {
        return new JcaX509CertificateConverter().getCertificate(h);
      }
    }
    throw new GeneralSecurityException(file + " is not a PEM certificate");
  }

  /** PKCS#8, which names the curve in its algorithm identifier (the JDK needs that to read it). */
  private static String pkcs8Pem(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      if (p.readObject() instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return java.security.KeyFactory.getInstance("EC")
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(info.getEncoded()));
      }
    }
    throw new GeneralSecurityException(file + " is not a PKCS#8 PEM private key");
  }
}
