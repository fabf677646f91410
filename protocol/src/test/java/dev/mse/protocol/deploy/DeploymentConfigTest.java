package dev.mse.protocol.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.SslOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeploymentConfigTest {
  static DeploymentConfig sample() {
    return new DeploymentConfig(
        UUID.fromString("d17a9cbd-e2ff-4f77-ba03-e9d8ea58ca2e"),
        "hello",
        "com.example.Main",
        Optional.empty(),
        "/health",
        SslOrigin.SELF,
        "hello.apps.example.com",
        Instant.parse("2030-01-01T00:00:00Z"),
        ByteString.of(new byte[32]),
        ByteString.fromHex("11".repeat(32)),
        Optional.empty(),
        AppTls.APP);
  }

  @Test
  void canonicalEncodingIsFixed() throws Exception {
    String json = new String(sample().toCanonicalJson(), StandardCharsets.UTF_8);
    assertThat(json)
        .isEqualTo(
            "{\"app_id\":\"d17a9cbd-e2ff-4f77-ba03-e9d8ea58ca2e\",\"app_name\":\"hello\","
                + "\"domain\":\"hello.apps.example.com\",\"expires\":\"2030-01-01T00:00:00Z\","
                + "\"healthcheck_endpoint\":\"/health\",\"java_application\":\"com.example.Main\","
                + "\"owner_public_key\":\""
                + "00".repeat(32)
                + "\",\"package_sha256\":\""
                + "11".repeat(32)
                + "\",\"ssl_origin\":\"self\",\"version\":1}");
    assertThat(DeploymentConfig.parse(sample().toCanonicalJson())).isEqualTo(sample());
    assertThat(sample().sha256()).isEqualTo(ByteString.of(sample().toCanonicalJson()).sha256());
  }

  /** {@code sample()} with the certificate subject {@code subject}. */
  private static DeploymentConfig withSubject(String subject) {
    DeploymentConfig a = sample();
    return new DeploymentConfig(
        a.appId(),
        a.appName(),
        a.javaApplication(),
        a.mainJar(),
        a.healthcheckEndpoint(),
        a.sslOrigin(),
        a.domain(),
        a.expires(),
        a.ownerPublicKey(),
        a.packageSha256(),
        a.ownerCertificateChain(),
        a.tls(),
        Optional.of(subject));
  }

  @Test
  void aCertificateSubjectIsWrittenReadAndHashedInItsOneForm() throws Exception {
    assertThat(sample().certificateSubject()).isEmpty();
    String subject = DeploymentConfig.certificateSubject("CN=Hello App, O=Example, C=FR");
    assertThat(subject).isEqualTo("CN=Hello App,O=Example,C=FR");
    DeploymentConfig named = withSubject(subject);
    String json = new String(named.toCanonicalJson(), StandardCharsets.UTF_8);
    assertThat(json).contains("\"certificate_subject\":\"CN=Hello App,O=Example,C=FR\"");
    assertThat(DeploymentConfig.parse(named.toCanonicalJson())).isEqualTo(named);
    assertThat(named.sha256()).isNotEqualTo(sample().sha256());

    // Another spelling of the same name is not this config's encoding.
    assertThatThrownBy(() -> withSubject("CN=Hello App, O=Example, C=FR"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate_subject");
    byte[] spaced =
        json.replace("CN=Hello App,O=Example,C=FR", "CN=Hello App, O=Example, C=FR")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> DeploymentConfig.parse(spaced))
        .isInstanceOf(DeploymentConfigException.class)
        .hasMessageContaining("certificate_subject");
    assertThatThrownBy(() -> DeploymentConfig.certificateSubject("not a name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an X.500 name");
  }

  @Test
  void runtimeTlsIsWrittenAndReadAndTheDefaultHasOneEncoding() throws Exception {
    DeploymentConfig app = sample();
    DeploymentConfig runtime =
        new DeploymentConfig(
            app.appId(),
            app.appName(),
            app.javaApplication(),
            app.mainJar(),
            app.healthcheckEndpoint(),
            app.sslOrigin(),
            app.domain(),
            app.expires(),
            app.ownerPublicKey(),
            app.packageSha256(),
            app.ownerCertificateChain(),
            AppTls.RUNTIME);
    String json = new String(runtime.toCanonicalJson(), StandardCharsets.UTF_8);
    assertThat(json).contains("\"ssl_origin\":\"self\",\"tls\":\"runtime\",\"version\":1}");
    assertThat(DeploymentConfig.parse(runtime.toCanonicalJson())).isEqualTo(runtime);
    assertThat(runtime.sha256()).isNotEqualTo(app.sha256());
    String explicitDefault = json.replace("\"tls\":\"runtime\"", "\"tls\":\"app\"");
    assertThatThrownBy(
            () -> DeploymentConfig.parse(explicitDefault.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DeploymentConfigException.class)
        .hasMessageContaining("canonical");
    String unknown = json.replace("\"tls\":\"runtime\"", "\"tls\":\"proxy\"");
    assertThatThrownBy(() -> DeploymentConfig.parse(unknown.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DeploymentConfigException.class)
        .hasMessageContaining("tls must be app or runtime");
  }

  @Test
  void otherEncodingsOfTheSameValueAreRefused() {
    String json = new String(sample().toCanonicalJson(), StandardCharsets.UTF_8);
    String[] variants = {
      json.replace(",", ", "),
      json.replace("{\"app_id\"", "{ \"app_id\""),
      json.replace("d17a9cbd", "D17A9CBD"),
      json.replace("\"hello\"", "\"hell\\u006f\""),
      json.replace("2030-01-01T00:00:00Z", "2030-01-01T00:00:00.000Z"),
      json.replace("\"version\":1", "\"version\":1.0"),
      json.replace("}", ",\"app_name\":\"hello\"}"),
      json + "\n",
      json.replace("\"app_name\":\"hello\",", "").replace("{", "{\"app_name\":\"hello\","),
    };
    for (String v : variants) {
      assertThatThrownBy(() -> DeploymentConfig.parse(v.getBytes(StandardCharsets.UTF_8)))
          .as(v)
          .isInstanceOf(DeploymentConfigException.class);
    }
  }

  @Test
  void errorsShowAShortExcerptOfTheInputAtMost() {
    String json = new String(sample().toCanonicalJson(), StandardCharsets.UTF_8);
    String big = "q".repeat(200_000);
    String[] hostile = {
      json.replace("}", ",\"" + big + "\":1}"),
      json.replace("d17a9cbd-e2ff-4f77-ba03-e9d8ea58ca2e", big),
      json.replace("\"ssl_origin\":\"self\"", "\"ssl_origin\":\"" + big + "\""),
      json.replace("\"version\":1", "\"version\":" + big),
      "{\"" + big,
    };
    for (String h : hostile) {
      assertThatThrownBy(() -> DeploymentConfig.parse(h.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(DeploymentConfigException.class)
          .satisfies(
              e -> assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("q".repeat(65)));
    }
  }

  @Test
  void validation() {
    String json = new String(sample().toCanonicalJson(), StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                DeploymentConfig.parse(
                    json.replace("\"self\"", "\"owner\"").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("owner_certificate_chain");
    assertThatThrownBy(
            () ->
                DeploymentConfig.parse(
                    json.replace("\"self\"", "\"nobody\"").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("ssl_origin");
    assertThatThrownBy(
            () ->
                DeploymentConfig.parse(
                    json.replace("\"version\":1", "\"version\":2")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("version");
    assertThatThrownBy(
            () ->
                DeploymentConfig.parse(
                    json.replace("\"/health\"", "\"health\"").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("healthcheck_endpoint");
    assertThatThrownBy(
            () ->
                DeploymentConfig.parse(
                    json.replace("}", ",\"zz_extra\":\"x\"}").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("unknown field 'zz_extra'");
    assertThatThrownBy(() -> DeploymentConfig.parse("[]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DeploymentConfigException.class);
    assertThatThrownBy(
            () ->
                new DeploymentConfig(
                    UUID.randomUUID(),
                    "a",
                    "Main",
                    Optional.empty(),
                    "/",
                    SslOrigin.OWNER,
                    "a.b",
                    Instant.parse("2030-01-01T00:00:00Z"),
                    ByteString.of(new byte[32]),
                    ByteString.of(new byte[32]),
                    Optional.of("not pem"),
                    AppTls.APP))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
