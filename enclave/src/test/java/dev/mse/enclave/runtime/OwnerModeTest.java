package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.enclave.tee.SimulationBackend;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.provisioning.ProvisioningMessage;
import dev.mse.protocol.provisioning.ProvisioningSeal;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * App-owner-trusted mode: the enclave serves RA-TLS while waiting (so the owner can verify it),
 * receives the owner's TLS key only inside the sealed provisioning message, then serves the owner's
 * CA-issued certificate; a browser-like client trusting only that CA reaches the app, and fresh
 * evidence binds the owner's key.
 */
class OwnerModeTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private record Issued(KeyPair key, X509Certificate certificate) {}

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static Issued issue(String subject, KeyPair key, Issued issuer, boolean ca)
      throws Exception {
    X500Name name = new X500Name("CN=" + subject);
    var builder =
        new JcaX509v3CertificateBuilder(
            issuer == null
                ? name
                : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
            BigInteger.valueOf(System.nanoTime()),
            Date.from(Instant.now().minus(1, ChronoUnit.HOURS)),
            Date.from(Instant.now().plus(30, ChronoUnit.DAYS)),
            name,
            key.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (!ca) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, subject)));
    }
    var signer =
        new JcaContentSignerBuilder("SHA256withECDSA")
            .build(issuer == null ? key.getPrivate() : issuer.key().getPrivate());
    return new Issued(key, new JcaX509CertificateConverter().getCertificate(builder.build(signer)));
  }

  private static String pem(Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(o);
    }
    return w.toString();
  }

  @Test
  void servesTheOwnersCertificateOnceProvisioned(@TempDir Path work) throws Exception {
    Issued ca = issue("Owner Test CA", ecKey(), null, true);
    Issued site = issue("app.localhost", ecKey(), ca, false);
    RuntimeFixture f = new RuntimeFixture(work);
    DeploymentConfig config =
        new DeploymentConfig(
            f.appId,
            "hello",
            "demo.App",
            Optional.empty(),
            "/health",
            SslOrigin.OWNER,
            "app.localhost",
            f.config.expires(),
            f.config.ownerPublicKey(),
            f.appPackage.packageSha256(),
            Optional.of(pem(site.certificate()) + pem(ca.certificate())),
            AppTls.APP);
    var tee =
        new SimulationBackend(
            ByteString.fromHex("cd".repeat(32)), work.resolve("sim.key"), Clock.systemUTC());
    RuntimeOptions options = f.options(work);
    try (EnclaveRuntime runtime = EnclaveRuntime.start(options, tee, config, f.appPackage)) {
      int port = runtime.port();
      HttpClient owner =
          HttpClient.newBuilder()
              .sslContext(
                  RaTlsSslContexts.client(
                      RaTlsTrustManager.builder(
                              AppraisalPolicy.defaults().withAllowSimulation(true))
                          .options(
                              RaTlsOptions.none()
                                  .withConfigSha256(config.sha256())
                                  .withPackageSha256(f.appPackage.packageSha256()))
                          .serverName("app.localhost")
                          .build()))
              .build();
      var evidence =
          JSON.readTree(
              owner
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("https://localhost:" + port + "/.well-known/mse/evidence"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      AttestationClaims claims =
          AttestationClaims.decode(Base64.getDecoder().decode(evidence.get("claims").asString()));
      assertThat(claims.sslOrigin()).isEqualTo(SslOrigin.OWNER);
      assertThat(
              owner
                  .send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "https://localhost:"
                                      + port
                                      + "/.well-known/mse/evidence?spki="
                                      + RaTlsCertificate.pubkeyHash(
                                              site.certificate().getPublicKey())
                                          .hex()))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("the owner's key is not the enclave's before provisioning")
          .isEqualTo(404);

      byte[] sealed =
          ProvisioningSeal.seal(
              new ProvisioningMessage(
                  f.appId,
                  f.codeKey,
                  Optional.of(pem(site.key().getPrivate())),
                  Optional.empty(),
                  Optional.empty()),
              f.owner,
              X25519PublicKey.of(claims.hpkePublicKey().toByteArray()),
              claims.configSha256());
      String body = "{\"sealed_message\":\"" + Base64.getEncoder().encodeToString(sealed) + "\"}";
      assertThat(
              owner
                  .send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "https://localhost:" + port + "/.well-known/mse/provision"))
                          .POST(HttpRequest.BodyPublishers.ofString(body))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(202);
      for (int i = 0; i < 400 && runtime.status().state() != AttestationClaims.State.RUNNING; i++) {
        Thread.sleep(25);
      }
      assertThat(runtime.status().state()).isEqualTo(AttestationClaims.State.RUNNING);

      // A user who trusts only the owner's CA, like a browser with a public CA.
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext userTls = SSLContext.getInstance("TLS");
      userTls.init(null, tmf.getTrustManagers(), null);
      // It asks for the app's domain by SNI (as a browser does); the JDK then checks the
      // certificate's name against it.
      SSLParameters sni = new SSLParameters();
      sni.setServerNames(List.of(new SNIHostName("app.localhost")));
      HttpClient user =
          HttpClient.newBuilder()
              .sslContext(userTls)
              .sslParameters(sni)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpResponse<String> hello =
          user.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + options.appPort() + "/hello"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(hello.statusCode()).isEqualTo(200);
      assertThat(hello.body()).startsWith("hello from the enclave");

      // Fresh evidence at the enclave port (still RA-TLS) for the key the app serves: the
      // owner's. Users can verify the enclave behind the owner's certificate.
      ByteString ownerSpki = RaTlsCertificate.pubkeyHash(site.certificate().getPublicKey());
      HttpResponse<String> forOwnerKey =
          owner.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "https://localhost:"
                              + port
                              + "/.well-known/mse/evidence?nonce=aa&spki="
                              + ownerSpki.hex()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(forOwnerKey.statusCode()).as(forOwnerKey.body()).isEqualTo(200);
      var fresh = JSON.readTree(forOwnerKey.body());
      AttestationClaims now =
          AttestationClaims.decode(Base64.getDecoder().decode(fresh.get("claims").asString()));
      assertThat(now.pubkeyHash()).isEqualTo(ownerSpki);
      assertThat(X509Codec.certificates(fresh.get("certificate").asString().getBytes()))
          .containsExactly(site.certificate());
      assertThat(now.state()).isEqualTo(AttestationClaims.State.RUNNING);
      assertThat(now.codeSha256()).isPresent();

      // The owner's private key is nowhere on the node's disk.
      String keyPem = pem(site.key().getPrivate());
      String keyBody = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
      try (var files = Files.walk(work)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          assertThat(
                  new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1))
              .as(p.toString())
              .doesNotContain(keyBody);
        }
      }
    }
  }
}
