package dev.mse.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.ratls.AppTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MseTomlTest {
  @TempDir Path dir;

  private static final String FULL =
      """
      name = "helloworld"
      java_application = "com.example.Main"
      main_jar = "lib/app.jar"
      healthcheck_endpoint = "/ready"
      tests_cmd = "mvn test"

      [cloud]
      code = "src"
      tests = "tests"
      project = "default"
      hardware = "4g-eu-001"
      secrets = "secrets.json"
      expiration_date = "2024-03-14 00:00:00+00:00"

      [cloud.ssl]
      domain_name = "demo.owner.com"
      private_key = "key.pem"
      certificate = "../certs/cert.pem"
      """;

  @Test
  void readsEverythingAndResolvesPathsAgainstTheFile() throws Exception {
    Path file = dir.resolve("app/mse.toml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, FULL);
    MseToml toml = MseToml.read(file);
    Path base = dir.resolve("app").toAbsolutePath();
    assertThat(toml.name()).isEqualTo("helloworld");
    assertThat(toml.javaApplication()).contains("com.example.Main");
    assertThat(toml.tls()).isEqualTo(AppTls.APP);
    assertThat(toml.mainJar()).contains("lib/app.jar");
    assertThat(toml.healthcheckEndpoint()).isEqualTo("/ready");
    assertThat(toml.testsCmd()).contains("mvn test");
    MseToml.Cloud cloud = toml.cloud().orElseThrow();
    assertThat(cloud.code()).isEqualTo(base.resolve("src"));
    assertThat(cloud.tests()).contains(base.resolve("tests"));
    assertThat(cloud.hardware()).contains("4g-eu-001");
    assertThat(cloud.secrets()).contains(base.resolve("secrets.json"));
    assertThat(cloud.expirationDate().orElseThrow().toInstant(ZoneOffset.ofHours(5)))
        .isEqualTo(Instant.parse("2024-03-14T00:00:00Z"));
    MseToml.Ssl ssl = cloud.ssl().orElseThrow();
    assertThat(ssl.domainName()).isEqualTo("demo.owner.com");
    assertThat(ssl.certificate()).isEqualTo(dir.toAbsolutePath().resolve("certs/cert.pem"));
  }

  @Test
  void aByteOrderMarkInAValueIsWrittenEscaped() throws Exception {
    // Found by MseTomlProperties: TOML parsers refuse U+FEFF anywhere but at the very start.
    MseToml toml =
        new MseToml(
            dir,
            "a\ufeffb",
            "Main",
            Optional.empty(),
            "/health",
            Optional.of("\ufeffmvn test"),
            Optional.empty());
    assertThat(toml.toToml()).doesNotContain("\ufeff").contains("\\ufeff");
    assertThat(MseToml.parse(toml.toToml(), dir)).isEqualTo(toml);
  }

  @Test
  void defaults() throws Exception {
    MseToml toml = MseToml.parse("name = \"a\"\njava_application = \"Main\"\n[cloud]\n", dir);
    assertThat(toml.healthcheckEndpoint()).isEqualTo("/health");
    assertThat(toml.mainJar()).isEmpty();
    assertThat(toml.cloud().orElseThrow().code()).isEqualTo(dir.toAbsolutePath());
    assertThat(toml.cloud().orElseThrow().project()).isEqualTo("default");
    assertThat(MseToml.parse("name = \"a\"\njava_application = \"Main\"\n", dir).cloud()).isEmpty();
  }

  @Test
  void expirationDateForms() throws Exception {
    String head = "name = \"a\"\njava_application = \"Main\"\n[cloud]\nexpiration_date = ";
    assertThat(MseToml.parse(head + "2024-03-14\n", dir).cloud().orElseThrow().expirationDate())
        .contains(new ExpirationDate.OnDay(LocalDate.of(2024, 3, 14)));
    for (String v :
        new String[] {
          "2024-03-14T10:00:00Z",
          "\"2024-03-14T10:00:00Z\"",
          "\"2024-03-14 10:00:00+00:00\"",
          "2024-03-14T12:00:00+02:00"
        }) {
      assertThat(
              MseToml.parse(head + v + "\n", dir)
                  .cloud()
                  .orElseThrow()
                  .expirationDate()
                  .orElseThrow()
                  .toInstant(ZoneOffset.UTC))
          .as(v)
          .isEqualTo(Instant.parse("2024-03-14T10:00:00Z"));
    }
    assertThatThrownBy(() -> MseToml.parse(head + "\"tomorrow\"\n", dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cloud.expiration_date");
    assertThatThrownBy(() -> MseToml.parse(head + "10:00:00\n", dir))
        .hasMessageContaining("'cloud.expiration_date' must be a date or date-time");
  }

  @Test
  void strictErrorsNameTheKey() {
    String ok = "name = \"a\"\njava_application = \"Main\"\n";
    assertThatThrownBy(() -> MseToml.parse(ok + "helthcheck_endpoint = \"/x\"\n", dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'helthcheck_endpoint'");
    assertThatThrownBy(() -> MseToml.parse(ok + "[cloud]\ndocker = \"x\"\n", dir))
        .hasMessageContaining("unknown key 'cloud.docker' in [cloud]");
    assertThatThrownBy(
            () -> MseToml.parse(ok + "[cloud.ssl]\ndomain_name = \"a.b\"\nkey = 1\n", dir))
        .hasMessageContaining("unknown key 'cloud.ssl.key'");
    assertThatThrownBy(() -> MseToml.parse(ok + "[other]\n", dir))
        .hasMessageContaining("unknown key 'other'");
    assertThatThrownBy(() -> MseToml.parse(ok + "[cloud]\nproject = 3\n", dir))
        .hasMessageContaining("'cloud.project' must be a string, got an integer");
    assertThatThrownBy(() -> MseToml.parse(ok + "cloud = 1\n", dir))
        .hasMessageContaining("'cloud' must be a table");
    assertThatThrownBy(() -> MseToml.parse("java_application = \"Main\"\n", dir))
        .hasMessageContaining("missing key 'name'");
    assertThatThrownBy(() -> MseToml.parse(ok + "healthcheck_endpoint = \"health\"\n", dir))
        .hasMessageContaining("healthcheck_endpoint must be a path starting with '/'");
    assertThatThrownBy(() -> MseToml.parse("name = \"a\"\njava_application = \"app:app\"\n", dir))
        .hasMessageContaining("java_application");
    assertThatThrownBy(() -> MseToml.parse(ok + "main_jar = \"../x.jar\"\n", dir))
        .hasMessageContaining("main_jar");
    assertThatThrownBy(
            () -> MseToml.parse(ok + "[cloud]\nhardware = \"" + "x".repeat(17) + "\"\n", dir))
        .hasMessageContaining("cloud.hardware");
    assertThatThrownBy(() -> MseToml.parse(ok + "[cloud.ssl]\ndomain_name = \"a.b\"\n", dir))
        .hasMessageContaining("missing key 'cloud.ssl.private_key'");
    assertThatThrownBy(() -> MseToml.parse("name = [\n", dir))
        .hasMessageContaining("not valid TOML");
  }

  @Test
  void writerRoundTrips() throws Exception {
    Files.writeString(dir.resolve("mse.toml"), FULL);
    MseToml toml = MseToml.read(dir.resolve("mse.toml"));
    String written = toml.toToml();
    assertThat(MseToml.parse(written, dir)).isEqualTo(toml);
    assertThat(written).contains("code = \"src\"").contains("[cloud.ssl]");
    MseToml minimal =
        new MseToml(
            dir.toAbsolutePath(),
            "we \"quote\"\\",
            "Main",
            Optional.empty(),
            "/health",
            Optional.empty(),
            Optional.empty());
    assertThat(MseToml.parse(minimal.toToml(), dir)).isEqualTo(minimal);
  }

  @Test
  void javaApplicationMayBeOmittedForAnExecutableJar() throws Exception {
    MseToml toml = MseToml.parse("name = \"a\"\n", dir);
    assertThat(toml.javaApplication()).isEmpty();
    assertThat(toml.toToml()).doesNotContain("java_application");
    assertThat(MseToml.parse(toml.toToml(), dir)).isEqualTo(toml);
  }

  @Test
  void tlsIsAppOrRuntime() throws Exception {
    String ok = "name = \"a\"\n";
    assertThat(MseToml.parse(ok + "tls = \"app\"\n", dir).tls()).isEqualTo(AppTls.APP);
    MseToml runtime = MseToml.parse(ok + "tls = \"runtime\"\n", dir);
    assertThat(runtime.tls()).isEqualTo(AppTls.RUNTIME);
    assertThat(runtime.toToml()).contains("tls = \"runtime\"");
    assertThat(MseToml.parse(runtime.toToml(), dir)).isEqualTo(runtime);
    assertThatThrownBy(() -> MseToml.parse(ok + "tls = \"proxy\"\n", dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls must be \"app\"")
        .hasMessageContaining("got 'proxy'");
    assertThatThrownBy(() -> MseToml.parse(ok + "tls = true\n", dir))
        .hasMessageContaining("'tls' must be a string");
  }
}
