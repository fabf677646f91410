package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.MseCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code provider's commands that need no runtime: scaffold, package and their errors. */
class HomeCodeProviderTest {
  @Test
  void scaffoldThenPackageWritesAnEncryptedPackageAndAPrivateKey(@TempDir Path work)
      throws Exception {
    Path conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "demo", "--output", work.toString()).succeeded();
    Path project = work.resolve("demo");
    assertThat(project.resolve("src/main/java/com/example/demo/App.java")).isRegularFile();
    assertThat(Files.readString(project.resolve("mse.toml")))
        .contains("name = \"demo\"")
        .contains("java_application = \"com.example.demo.App\"")
        .contains("healthcheck_endpoint = \"/health\"")
        .contains("tests_cmd");

    MseCli.Run pkg =
        MseCli.run(
                conf,
                "home",
                "package",
                "--project",
                project.toString(),
                "--output",
                work.resolve("out").toString())
            .succeeded();

    List<Path> files;
    try (Stream<Path> s = Files.list(work.resolve("out"))) {
      files = s.sorted().toList();
    }
    assertThat(files).hasSize(2);
    Path key = files.get(0);
    Path tar = files.get(1);
    assertThat(key.getFileName().toString()).matches("package_demo_\\d+\\.key");
    assertThat(tar.getFileName().toString()).matches("package_demo_\\d+\\.tar");
    assertThat(Files.getPosixFilePermissions(key))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(Files.size(key)).isEqualTo(32);
    assertThat(Files.getPosixFilePermissions(conf.resolve("owner.key")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(conf.resolve("owner.pub")).isRegularFile();
    assertThat(pkg.out()).contains("package sha256: ").contains(tar.toString());
    String keyHex = java.util.HexFormat.of().formatHex(Files.readAllBytes(key));
    assertThat(pkg.out() + pkg.err()).doesNotContain(keyHex);
    byte[] classBytes =
        Files.readAllBytes(project.resolve("build/classes/com/example/demo/App.class"));
    assertThat(Bytes.contains(Files.readAllBytes(tar), classBytes)).isFalse();
    assertThat(
            Bytes.contains(
                Files.readAllBytes(tar), "Hello from demo".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
  }

  @Test
  void theScaffoldedAppPassesItsOwnSmokeTestUnderLocaltest(@TempDir Path work) throws Exception {
    Path conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "smoke", "--output", work.toString()).succeeded();
    Path project = work.resolve("smoke");
    // localtest builds the app, runs it as the enclave would (PORT, MSE_SECRETS_PATH,
    // MSE_SEALED_SECRETS_PATH) and runs its tests_cmd, java tests/SmokeTest.java, against it.
    MseCli.Run run =
        MseCli.run(conf, "home", "localtest", "--project", project.toString()).succeeded();
    assertThat(run.out()).contains("smoke runs at https://127.0.0.1:").contains("tests passed");

    // A failing test fails the command, and shows the app's output.
    Files.writeString(
        project.resolve("mse.toml"),
        Files.readString(project.resolve("mse.toml"))
            .replace("tests_cmd = \"java tests/SmokeTest.java\"", "tests_cmd = \"exit 3\""));
    MseCli.Run failed =
        MseCli.run(conf, "home", "localtest", "--project", project.toString()).failed();
    assertThat(failed.out()).contains("tests failed (exit 3)");
  }

  @Test
  void aMalformedMseTomlIsOneLine(@TempDir Path work) throws Exception {
    Path conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "broken", "--output", work.toString()).succeeded();
    Path project = work.resolve("broken");
    Files.writeString(project.resolve("mse.toml"), "name = \"broken\"\njava_application = [1,\n");

    MseCli.Run run =
        MseCli.run(
                conf,
                "home",
                "package",
                "--project",
                project.toString(),
                "--output",
                work.resolve("out").toString())
            .failed();

    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("mse: ").contains("mse.toml");
    assertThat(work.resolve("out")).doesNotExist();
  }

  @Test
  void anUnknownKeyInMseTomlIsNamed(@TempDir Path work) throws Exception {
    Path conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "typo", "--output", work.toString()).succeeded();
    Path project = work.resolve("typo");
    Files.writeString(
        project.resolve("mse.toml"),
        Files.readString(project.resolve("mse.toml"))
            .replace("healthcheck_endpoint", "helthcheck_endpoint"));

    MseCli.Run run =
        MseCli.run(
                conf,
                "home",
                "package",
                "--project",
                project.toString(),
                "--output",
                work.resolve("out").toString())
            .failed();

    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).contains("helthcheck_endpoint");
  }

  @Test
  void codeThatDoesNotCompileIsReportedWithItsLine(@TempDir Path work) throws Exception {
    Path conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "bad", "--output", work.toString()).succeeded();
    Path app = work.resolve("bad/src/main/java/com/example/bad/App.java");
    Files.writeString(
        app, Files.readString(app).replace("private App() {}", "private App() { nope(); }"));

    MseCli.Run run =
        MseCli.run(
                conf,
                "home",
                "package",
                "--project",
                work.resolve("bad").toString(),
                "--output",
                work.resolve("out").toString())
            .failed();

    assertThat(run.err()).contains("does not compile").contains("App.java:");
  }

  @Test
  void scaffoldRefusesAnExistingDirectoryAndABadName(@TempDir Path work) {
    Path conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "twice", "--output", work.toString()).succeeded();
    assertThat(
            MseCli.run(conf, "home", "scaffold", "twice", "--output", work.toString())
                .failed()
                .err())
        .contains("already exists");
    assertThat(
            MseCli.run(conf, "home", "scaffold", "../evil", "--output", work.toString())
                .failed()
                .err())
        .contains("invalid name");
  }
}
