package dev.mse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MseTlsTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    for (String p : new String[] {"mse.tls.mode", "mse.tls.port", "mse.tls.certificate"}) {
      System.clearProperty(p);
    }
    System.clearProperty("mse.tls.key");
  }

  @Test
  void servesHttpsWithTheGivenIdentity() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        new X500Name("CN=localhost"),
                        BigInteger.ONE,
                        new Date(System.currentTimeMillis() - 60_000),
                        new Date(System.currentTimeMillis() + 3_600_000),
                        new X500Name("CN=localhost"),
                        pair.getPublic())
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    Path certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(certFile, pem(cert));
    Files.writeString(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()));
    System.setProperty("mse.tls.certificate", certFile.toString());
    System.setProperty("mse.tls.key", keyFile.toString());
    System.setProperty("mse.tls.port", "0");

    HttpsServer server = HttpsServer.create(new InetSocketAddress(MseTls.host(), MseTls.port()), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
    server.createContext(
        "/",
        x -> {
          byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.start();
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("only", cert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .sslContext(client)
              .build()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("https://localhost:" + server.getAddress().getPort() + "/"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("hello");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void refusesWhenTheRuntimeTerminatesTlsOrNothingWasGiven() {
    assertThat(MseTls.enabled()).isTrue();
    assertThatThrownBy(MseTls::sslContext)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no TLS identity");
    System.setProperty("mse.tls.mode", "runtime");
    assertThat(MseTls.enabled()).isFalse();
    assertThatThrownBy(MseTls::sslContext)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plain HTTP");
  }

  private static String pem(Object o) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
