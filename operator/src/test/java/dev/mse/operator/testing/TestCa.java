package dev.mse.operator.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests, standing in for a public CA: the operator fixture trusts it
 * for custom domains, and {@link #issue} gives an owner a certificate for a domain.
 */
public final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  /** The CA every operator fixture trusts. */
  public static final TestCa SHARED = new TestCa("CN=mse test CA");

  private final X500Name name;
  private final KeyPair key;
  private final String certificatePem;

  public TestCa(String distinguishedName) {
    try {
      this.name = new X500Name(distinguishedName);
      this.key = ecKey();
      var builder =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(Instant.now().minus(1, ChronoUnit.DAYS)),
              Date.from(Instant.now().plus(3650, ChronoUnit.DAYS)),
              name,
              key.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      this.certificatePem = pem(builder.build(signer(key)).getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA's certificate, PEM. */
  public String certificatePem() {
    return certificatePem;
  }

  /** A leaf for {@code dnsName} (in its SAN) valid until {@code notAfter}, then the CA: PEM. */
  public String issue(String dnsName, Instant notAfter) {
    try {
      KeyPair leaf = ecKey();
      var builder =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(Instant.now().minus(1, ChronoUnit.HOURS)),
              Date.from(notAfter),
              new X500Name("CN=" + dnsName),
              leaf.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
      return pem(builder.build(signer(key)).getEncoded()) + certificatePem;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static org.bouncycastle.operator.ContentSigner signer(KeyPair key) throws Exception {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
  }

  static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }
}
