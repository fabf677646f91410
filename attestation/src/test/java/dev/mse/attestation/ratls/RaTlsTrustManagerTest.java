package dev.mse.attestation.ratls;

import static dev.mse.attestation.ratls.RaTlsFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * End to end: a real TLS server on the loopback interface serving an RA-TLS certificate from the
 * simulated TEE, and the JDK HttpClient trusting it only through {@link RaTlsTrustManager}.
 */
class RaTlsTrustManagerTest {
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final RaTlsOptions MINE =
      RaTlsOptions.none()
          .withAppId(RaTlsFixture.APP_ID)
          .withPackageSha256(RaTlsFixture.PACKAGE)
          .withConfigSha256(RaTlsFixture.CONFIG);

  @Test
  void acceptsTheEnclaveWhenSimulationIsAllowed() throws Exception {
    KeyPair key = RaTlsFixture.newKey();
    try (Server server = Server.start(key, RaTlsFixture.certificate(key, "localhost"))) {
      assertThat(get(server.uri("localhost"), trustManager(RaTlsFixture.simulationAllowed())))
          .isEqualTo("hello from the enclave");
    }
  }

  @Test
  void acceptsAnIpAddressCertificateForAnIpAddressUrl() throws Exception {
    KeyPair key = RaTlsFixture.newKey();
    try (Server server =
        Server.start(key, RaTlsFixture.certificate(key, "127.0.0.1"), "127.0.0.1")) {
      assertThat(get(server.uri("127.0.0.1"), trustManager(RaTlsFixture.simulationAllowed())))
          .isEqualTo("hello from the enclave");
    }
  }

  @Test
  void refusesWithoutAllowSimulation() throws Exception {
    KeyPair key = RaTlsFixture.newKey();
    try (Server server = Server.start(key, RaTlsFixture.certificate(key, "localhost"))) {
      assertRefused(server.uri("localhost"), trustManager(AppraisalPolicy.defaults()), "simulat");
    }
  }

  @Test
  void refusesAnotherPackage() throws Exception {
    KeyPair key = RaTlsFixture.newKey();
    RaTlsTrustManager tm =
        RaTlsTrustManager.builder(RaTlsFixture.simulationAllowed())
            .options(MINE.withPackageSha256(RaTlsFixture.sha256("what I deployed")))
            .clock(CLOCK)
            .build();
    try (Server server = Server.start(key, RaTlsFixture.certificate(key, "localhost"))) {
      assertRefused(server.uri("localhost"), tm, "package-sha256 mismatch");
    }
  }

  @Test
  void refusesACertificateWhoseQuoteWasMadeForAnotherKey() throws Exception {
    KeyPair served = RaTlsFixture.newKey();
    AttestationClaims enclaveClaims = RaTlsFixture.claims(RaTlsFixture.newKey(), "localhost");
    X509Certificate stolen =
        RaTlsCertificate.builder(served, enclaveClaims, RaTlsFixture.quote(enclaveClaims))
            .endorsements(RaTlsFixture.BUNDLE)
            .issuedAt(NOW)
            .buildUnchecked();
    try (Server server = Server.start(served, stolen)) {
      assertRefused(
          server.uri("localhost"),
          trustManager(RaTlsFixture.simulationAllowed()),
          "does not hold this TLS key");
    }
  }

  @Test
  void refusesACertificateForAnotherHost() throws Exception {
    KeyPair key = RaTlsFixture.newKey();
    try (Server server = Server.start(key, RaTlsFixture.certificate(key, "app.example.com"))) {
      assertRefused(
          server.uri("localhost"),
          trustManager(RaTlsFixture.simulationAllowed()),
          "does not name localhost");
    }
  }

  @Test
  void pinsTheVerifiedCertificate() throws Exception {
    KeyPair key = RaTlsFixture.newKey();
    X509Certificate cert = RaTlsFixture.certificate(key, "localhost");
    try (Server server = Server.start(key, cert)) {
      RaTlsTrustManager pinned =
          RaTlsTrustManager.builder(RaTlsFixture.simulationAllowed())
              .options(MINE)
              .clock(CLOCK)
              .pin(RaTlsCertificate.fingerprint(cert))
              .build();
      RaTlsTrustManager otherPin =
          RaTlsTrustManager.builder(RaTlsFixture.simulationAllowed())
              .options(MINE)
              .clock(CLOCK)
              .pin(ByteString.fromHex("00".repeat(32)))
              .build();

      assertThat(get(server.uri("localhost"), pinned)).isEqualTo("hello from the enclave");
      assertRefused(server.uri("localhost"), otherPin, "not the pinned one");
    }
  }

  @Test
  void worksForPlainSslSocketsWithServerNameIndication() throws Exception {
    KeyPair key = RaTlsFixture.newKey();
    try (Server server = Server.start(key, RaTlsFixture.certificate(key, "localhost"))) {
      SSLSocketFactory factory =
          RaTlsSslContexts.client(trustManager(RaTlsFixture.simulationAllowed()))
              .getSocketFactory();
      try (SSLSocket socket =
          (SSLSocket) factory.createSocket("localhost", server.https().getAddress().getPort())) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("localhost")));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        assertThat(socket.getSession().getPeerCertificates()).hasSize(1);
      }
    }
  }

  @Test
  void refusesClientAuthenticationAndChainsOfMoreThanOne() {
    RaTlsTrustManager tm = trustManager(RaTlsFixture.simulationAllowed());
    X509Certificate cert = RaTlsFixture.certificate(RaTlsFixture.newKey(), "localhost");

    assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("not clients");
    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {cert, cert}, "UNKNOWN"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("exactly one");
    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {cert}, "UNKNOWN"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("no server name");
    assertThat(tm.getAcceptedIssuers()).isEmpty();
  }

  @Test
  void aConfiguredServerNameReplacesTheConnectionsHost() throws Exception {
    RaTlsTrustManager tm =
        RaTlsTrustManager.builder(RaTlsFixture.simulationAllowed())
            .options(MINE)
            .clock(CLOCK)
            .serverName("app.example.com")
            .build();
    X509Certificate cert = RaTlsFixture.certificate(RaTlsFixture.newKey(), "app.example.com");

    tm.checkServerTrusted(new X509Certificate[] {cert}, "UNKNOWN");
  }

  private static RaTlsTrustManager trustManager(AppraisalPolicy policy) {
    return RaTlsTrustManager.builder(policy).options(MINE).clock(CLOCK).build();
  }

  private static String get(URI uri, RaTlsTrustManager tm)
      throws IOException, InterruptedException {
    try (HttpClient client =
        HttpClient.newBuilder()
            .sslContext(RaTlsSslContexts.client(tm))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    }
  }

  private static void assertRefused(URI uri, RaTlsTrustManager tm, String why) {
    assertThatThrownBy(() -> get(uri, tm))
        .isInstanceOf(IOException.class)
        .satisfies(
            e -> {
              Throwable t = e;
              StringBuilder messages = new StringBuilder();
              while (t != null) {
                messages.append(t.getMessage()).append('\n');
                t = t.getCause();
              }
              assertThat(messages.toString())
                  .contains("RA-TLS verification refused the server")
                  .containsIgnoringCase(why);
            });
  }

  /** A JDK HTTPS server on the loopback interface serving one RA-TLS certificate. */
  private record Server(HttpsServer https) implements AutoCloseable {
    static Server start(KeyPair key, X509Certificate cert) throws IOException {
      return start(key, cert, "localhost");
    }

    /** Listens on {@code host}'s (first) address, the one the client will connect to. */
    static Server start(KeyPair key, X509Certificate cert, String host) throws IOException {
      HttpsServer https =
          HttpsServer.create(new InetSocketAddress(InetAddress.getByName(host), 0), 0);
      https.setHttpsConfigurator(new HttpsConfigurator(RaTlsSslContexts.server(key, cert)));
      https.createContext(
          "/",
          exchange -> {
            byte[] body = "hello from the enclave".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      https.start();
      return new Server(https);
    }

    URI uri(String host) {
      return URI.create("https://" + host + ":" + https.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
      https.stop(0);
    }
  }
}
