package dev.mse.cli.cloud;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A test certificate authority that issues an app owner's certificate for a custom domain. */
public final class TestCa {
  private final KeyPair caKey;
  final X509Certificate ca;

  public TestCa() throws Exception {
    caKey = ecKey();
    X500Name name = new X500Name("CN=mse test owner CA");
    ca =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(Instant.now().minus(Duration.ofHours(1))),
                        Date.from(Instant.now().plus(Duration.ofDays(60))),
                        name,
                        caKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
  }

  /** Issued files: the full chain and the key, PEM. */
  public record Issued(Path chain, Path key, String keyPem) {}

  public Issued issue(String domain, Path dir) throws Exception {
    KeyPair key = ecKey();
    X509Certificate leaf =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        new X500Name("CN=mse test owner CA"),
                        BigInteger.valueOf(new SecureRandom().nextInt(1_000_000) + 2),
                        Date.from(Instant.now().minus(Duration.ofHours(1))),
                        Date.from(Instant.now().plus(Duration.ofDays(30))),
                        new X500Name("CN=" + domain),
                        key.getPublic())
                    .addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, domain)))
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
    Path chain = dir.resolve("fullchain.pem");
    Files.writeString(chain, pem(leaf) + pem(ca));
    String keyPem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(key.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Path keyFile = dir.resolve("privkey.pem");
    Files.writeString(keyFile, keyPem);
    return new Issued(chain, keyFile, keyPem);
  }

  public Path writeCa(Path file) throws Exception {
    Files.writeString(file, pem(ca));
    return file;
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String pem(Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    }
    return w.toString();
  }
}
