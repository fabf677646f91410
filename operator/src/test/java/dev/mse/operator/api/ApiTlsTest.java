package dev.mse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTlsTest {
  @TempDir Path dir;

  @Test
  void servesTheApiOverTlsFromPemFiles() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = g.generateKeyPair();
    X509Certificate cert = selfSigned(key);
    Path chain = dir.resolve("api.pem");
    Path keyFile = dir.resolve("api.key");
    Files.writeString(chain, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getPrivate().getEncoded()));
    try (OperatorFixture fx =
        OperatorFixture.start(
            TestDatabase.Kind.H2,
            dir,
            c -> c.withApiTls(new OperatorConfig.Tls.PemFiles(chain, keyFile)))) {
      assertDefaultsOverTls(fx, cert);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static X509Certificate selfSigned(KeyPair key) throws Exception {
    X500Name name = new X500Name("CN=operator");
    var builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            Date.from(Instant.now().minus(1, ChronoUnit.HOURS)),
            Date.from(Instant.now().plus(1, ChronoUnit.DAYS)),
            name,
            key.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
  }

  private static void assertDefaultsOverTls(OperatorFixture fx, X509Certificate cert)
      throws Exception {
    assertThat(fx.operator.apiUri().getScheme()).isEqualTo("https");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("api", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(fx.operator.apiUri().resolve("/api/v1/defaults")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"apps_domain\":\"mse.localhost\"");
    // under TLS the console's cookies are Secure: a browser never sends them in clear
    HttpResponse<String> login =
        client.send(
            HttpRequest.newBuilder(fx.operator.apiUri().resolve("/console/login")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.headers().allValues("Set-Cookie"))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).contains("; Secure").contains("HttpOnly"));
  }

  @Test
  void servesTheApiOverTlsFromAKeyStore() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = g.generateKeyPair();
    X500Name name = new X500Name("CN=operator");
    var builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            Date.from(Instant.now().minus(1, ChronoUnit.HOURS)),
            Date.from(Instant.now().plus(1, ChronoUnit.DAYS)),
            name,
            key.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("api", key.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
    Path file = dir.resolve("api.p12");
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, "pw".toCharArray());
    }

    try (OperatorFixture fx =
        OperatorFixture.start(
            TestDatabase.Kind.H2,
            dir,
            c -> c.withApiTls(new OperatorConfig.Tls.KeyStoreFile(file, "pw")))) {
      assertThat(fx.operator.apiUri().getScheme()).isEqualTo("https");
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("api", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(fx.operator.apiUri().resolve("/api/v1/defaults")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"apps_domain\":\"mse.localhost\"");
    }
  }
}
