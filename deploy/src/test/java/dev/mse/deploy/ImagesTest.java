package dev.mse.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The image tarballs that {@code deploy/images.sh} built (skipped when it has not run: the image
 * build is not part of {@code ./mvnw verify}): their configuration (entrypoint, arguments, user,
 * environment, labels), their layers (each blob's digest, one diff id per layer) and the files the
 * entrypoint needs, executable, with a non-root user that owns where it writes.
 */
class ImagesTest {
  private static final Path IMAGES = Path.of(System.getProperty("mse.images", "target/images"));
  private static final int MSE_UID = 10001;

  private static ImageTarball image(String name) throws Exception {
    Path tarball = IMAGES.resolve(name + ".tar");
    assumeTrue(Files.isRegularFile(tarball), tarball + " not built (deploy/images.sh)");
    return ImageTarball.read(tarball);
  }

  @Test
  void runtimeImage() throws Exception {
    ImageTarball image = image("mse-runtime");
    JsonNode config = commonChecks(image, "mse-runtime");
    assertThat(strings(config.path("Entrypoint")))
        .containsExactly(
            "/opt/mse/jre/bin/java",
            "-XX:AOTCache=/opt/mse/runtime-aot/runtime.aot",
            "@/opt/mse/runtime/jvm.args",
            "-jar",
            "/opt/mse/runtime/mse-enclave-launcher.jar");
    assertThat(strings(config.path("Cmd")))
        .containsSubsequence("--tee", "simulation")
        .containsSubsequence("--secrets-dir", "/secrets")
        .containsSubsequence("--state-dir", "/state");
    assertThat(strings(config.path("Env")))
        .contains("MSE_TLS_KEY=/secrets/tls/key.pem", "PORT=8443");
    image.file("opt/mse/runtime/mse-enclave-launcher.jar");
    image.file("opt/mse/runtime/mse-enclave.jar");
    image.file("opt/mse/runtime/jvm.args");
    image.file("opt/mse/runtime-aot/runtime.aot");
    for (String dir : List.of("state", "data", "secrets", "input")) {
      assertThat(image.file(dir).getLongUserId()).as(dir).isEqualTo(MSE_UID);
    }
    assertThat(image.file("secrets").getMode() & 0777).isEqualTo(0700);
  }

  @Test
  void operatorImage() throws Exception {
    ImageTarball image = image("mse-operator");
    JsonNode config = commonChecks(image, "mse-operator");
    assertThat(strings(config.path("Entrypoint")))
        .containsExactly(
            "/opt/mse/jre/bin/java", "-jar", "/opt/mse/lib/mse-cli-all.jar", "operator", "serve");
    assertThat(strings(config.path("Cmd"))).containsExactly("--data", "/var/lib/mse");
    assertThat(strings(config.path("Env"))).contains("MSE_RUNTIME_DIR=/opt/mse/runtime");
    image.file("opt/mse/lib/mse-cli-all.jar");
    image.file("opt/mse/lib/operator-lib/postgresql.jar");
    image.file("opt/mse/runtime/mse-enclave.jar");
    // the operator starts runtimes as processes: the JDK's process launcher must be executable
    assertThat(image.file("opt/mse/jre/lib/jspawnhelper").getMode() & 0111).isNotZero();
    assertThat(image.file("var/lib/mse").getLongUserId()).isEqualTo(MSE_UID);
    assertThat(config.path("Volumes").has("/var/lib/mse")).isTrue();
  }

  private static JsonNode commonChecks(ImageTarball image, String title) {
    JsonNode config = image.config().path("config");
    assertThat(image.config().path("os").asString()).isEqualTo("linux");
    assertThat(image.config().path("architecture").asString()).isEqualTo("amd64");
    assertThat(config.path("User").asString()).isEqualTo(MSE_UID + ":" + MSE_UID);
    assertThat(config.path("Labels").path("org.opencontainers.image.title").asString())
        .isEqualTo(title);
    assertThat(config.path("Labels").path("org.opencontainers.image.version").asString())
        .isNotBlank();
    // the Debian base, then Jib's layers of the Java runtime and the mse files
    assertThat(image.layers()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(image.config().path("rootfs").path("diff_ids").size())
        .isEqualTo(image.layers().size());
    TarArchiveEntry java = image.file("opt/mse/jre/bin/java");
    assertThat(java.getMode() & 0111).as("java is executable").isNotZero();
    image.file("lib64/ld-linux-x86-64.so.2");
    image.file("lib/x86_64-linux-gnu/libc.so.6");
    assertThat(image.file("etc/passwd").getSize()).isPositive();
    assertThat(image.file("tmp").getMode() & 01777).isEqualTo(01777);
    return config;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }
}
