package dev.mse.protocol.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AppTls;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class AppPackageTest {
  private static final PackageKey KEY = PackageKey.generate();
  private static final byte[] ARCHIVE = "pretend this is a tar".getBytes(StandardCharsets.UTF_8);
  private static final ByteString SALT = ByteString.of(new byte[32]);

  private static AppPackage sample() {
    return AppPackage.create(
        "hello", "com.example.Main", Optional.of("app.jar"), "/health", ARCHIVE, KEY, SALT);
  }

  @Test
  void writeReadDecrypt() throws Exception {
    AppPackage written = sample();
    AppPackage read = AppPackage.read(written.toBytes());
    assertThat(read.manifest()).isEqualTo(written.manifest());
    assertThat(read.packageSha256()).isEqualTo(written.packageSha256());
    assertThat(read.packageSha256()).isEqualTo(ByteString.of(written.toBytes()).sha256());
    assertThat(read.manifest().codeSha256()).isEqualTo(CodeArchive.sha256(ARCHIVE));
    assertThat(read.decryptCode(KEY)).isEqualTo(ARCHIVE);
    assertThatThrownBy(() -> read.decryptCode(PackageKey.generate()))
        .isInstanceOf(PackageIntegrityException.class);
  }

  @Test
  void reproducibleWithTheSameSaltAndKey() {
    assertThat(sample().toBytes()).isEqualTo(sample().toBytes());
  }

  @Test
  void isATarOfManifestAndCode() throws Exception {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(sample().toBytes()))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    assertThat(names).containsExactly("manifest.json", "code.enc");
    assertThat(new String(sample().manifest().toCanonicalJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"code_sha256\":\""
                + CodeArchive.sha256(ARCHIVE).hex()
                + "\",\"format\":1,\"healthcheck_endpoint\":\"/health\","
                + "\"java_application\":\"com.example.Main\",\"main_jar\":\"app.jar\","
                + "\"name\":\"hello\",\"salt\":\""
                + "00".repeat(32)
                + "\"}");
  }

  @Test
  void manifestIsBoundToTheCiphertext() throws Exception {
    AppPackage original = sample();
    // same code and key, other manifest: the encrypted code of one does not open with the other
    AppPackage other =
        AppPackage.create(
            "other", "com.example.Main", Optional.empty(), "/health", ARCHIVE, KEY, SALT);
    byte[] swapped =
        PackageCipher.decrypt(
            original.encryptedCode().readAllBytes(), KEY, original.manifest().toCanonicalJson());
    assertThat(swapped).isEqualTo(ARCHIVE);
    assertThatThrownBy(
            () ->
                PackageCipher.decrypt(
                    original.encryptedCode().readAllBytes(),
                    KEY,
                    other.manifest().toCanonicalJson()))
        .isInstanceOf(PackageIntegrityException.class);
  }

  @Test
  void readerRefusesGarbageAndTruncation() {
    byte[] file = sample().toBytes();
    for (int cut : new int[] {0, 100, 512, 1024, 1500, file.length - 1100}) {
      byte[] shorter = java.util.Arrays.copyOf(file, cut);
      assertThatThrownBy(() -> AppPackage.read(shorter)).isInstanceOf(AppPackageException.class);
    }
    assertThatThrownBy(() -> AppPackage.read(file, 100)).isInstanceOf(AppPackageException.class);
  }

  @Test
  void manifestMustBeCanonical() {
    byte[] spaced = "{ \"format\":1}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> PackageManifest.parse(spaced))
        .isInstanceOf(AppPackageException.class)
        .hasMessageContaining("canonical");
    String json = new String(sample().manifest().toCanonicalJson(), StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                PackageManifest.parse(
                    json.replace("\"format\":1", "\"format\":2").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(AppPackageException.class);
    assertThatThrownBy(
            () ->
                PackageManifest.parse(
                    json.replace("}", ",\"zz\":\"x\"}").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("unknown field 'zz'");
  }

  @Test
  void tlsIsWrittenOnlyWhenTheRuntimeTerminatesIt() throws Exception {
    assertThat(sample().manifest().tls()).isEqualTo(AppTls.APP);
    assertThat(new String(sample().manifest().toCanonicalJson(), StandardCharsets.UTF_8))
        .doesNotContain("tls");
    AppPackage runtime =
        AppPackage.create(
            "hello",
            "com.example.Main",
            Optional.empty(),
            "/health",
            AppTls.RUNTIME,
            ARCHIVE,
            KEY,
            SALT);
    String json = new String(runtime.manifest().toCanonicalJson(), StandardCharsets.UTF_8);
    assertThat(json).endsWith(",\"tls\":\"runtime\"}");
    assertThat(AppPackage.read(runtime.toBytes()).manifest().tls()).isEqualTo(AppTls.RUNTIME);
    // one value, one encoding: the default written out is refused, as is an unknown mode
    String explicitApp =
        new String(sample().manifest().toCanonicalJson(), StandardCharsets.UTF_8)
            .replace("}", ",\"tls\":\"app\"}");
    assertThatThrownBy(() -> PackageManifest.parse(explicitApp.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("canonical");
    assertThatThrownBy(
            () ->
                PackageManifest.parse(
                    json.replace("\"runtime\"", "\"proxy\"").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("tls must be app or runtime");
  }
}
