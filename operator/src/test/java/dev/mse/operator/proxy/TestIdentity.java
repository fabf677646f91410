package dev.mse.operator.proxy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed P-256 certificate for some DNS names (the operator's wildcard, a plain backend),
 * with a server context presenting it and a client context trusting only it.
 */
record TestIdentity(KeyPair key, X509Certificate certificate) {
  private static final char[] PASSWORD = "test".toCharArray();

  static TestIdentity selfSigned(String... dnsNames) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair key = g.generateKeyPair();
      X500Name name = new X500Name("CN=" + dnsNames[0]);
      var builder =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(System.nanoTime()),
              Date.from(Instant.now().minus(1, ChronoUnit.HOURS)),
              Date.from(Instant.now().plus(1, ChronoUnit.DAYS)),
              name,
              key.getPublic());
      GeneralName[] san = new GeneralName[dnsNames.length];
      for (int i = 0; i < dnsNames.length; i++) {
        san[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
      }
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
      return new TestIdentity(key, certificate);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  SSLContext serverContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("key", key.getPrivate(), PASSWORD, new Certificate[] {certificate});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  SSLContext clientContext() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("server", certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
