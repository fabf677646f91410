package dev.mse.enclave.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppLauncherTest {
  private static final String GREETER = "demo.spi.Greeter";

  private static final String GREETER_SOURCE =
      "package demo.spi; public interface Greeter { String greet(); }";

  private static Map<String, byte[]> archive() {
    byte[] lib =
        TestJars.jar(
            Map.of(
                GREETER,
                "package demo.spi; public interface Greeter { String greet(); }",
                "demo.lib.Loud",
                "package demo.lib; public class Loud implements demo.spi.Greeter { public String greet() { return \"HELLO\"; } }"),
            Map.of(
                "META-INF/services/demo.spi.Greeter",
                "demo.lib.Loud\n",
                "lib.txt",
                "from the library"),
            null);
    byte[] app =
        TestJars.jar(
            Map.of(
                "demo.Main",
                """
                package demo;
                import java.util.ServiceLoader;
                public class Main {
                  public static volatile String result;
                  public static void main(String[] args) throws Exception {
                    var loader = Thread.currentThread().getContextClassLoader();
                    String greeting = ServiceLoader.load(demo.spi.Greeter.class, loader).findFirst().orElseThrow().greet();
                    String resource = new String(Main.class.getResourceAsStream("/app.txt").readAllBytes());
                    String libResource = new String(loader.getResource("lib.txt").openStream().readAllBytes());
                    result = greeting + "|" + resource + "|" + libResource + "|" + System.getProperty("server.port")
                        + "|" + Main.class.getPackage().getName();
                  }
                }
                """),
            Map.of(GREETER, GREETER_SOURCE),
            Map.of("app.txt", "from the app"),
            "demo.Main");
    Map<String, byte[]> archive = new LinkedHashMap<>();
    archive.put("app.jar", app);
    archive.put("lib/greeter.jar", lib);
    archive.put("README.txt", "not a jar".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return archive;
  }

  @TempDir Path dir;

  /** A jar holding only a manifest with {@code attributes}: what the launch plan reads. */
  private static byte[] manifestOnly(Map<String, String> attributes) throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.putNextEntry(new JarEntry("placeholder.txt"));
    }
    return out.toByteArray();
  }

  /** The archive written out, as the runtime does. */
  private Path extracted(Map<String, byte[]> archive) throws Exception {
    Map<String, ByteString> files = new LinkedHashMap<>();
    archive.forEach((k, v) -> files.put(k, ByteString.of(v)));
    Path app = dir.resolve("app");
    AppLauncher.extract(files, app);
    return app;
  }

  @Test
  void runsMainWithResourcesServicesAndLibraries() throws Exception {
    Path app = extracted(archive());
    var launch = AppLauncher.plan(app, Optional.of("app.jar"), Optional.empty());
    assertThat(launch.classPath())
        .containsExactly(app.resolve("app.jar"), app.resolve("lib/greeter.jar"));
    assertThat(launch.mainClass()).isEqualTo("demo.Main");

    System.setProperty("server.port", "18080");
    var running = AppLauncher.start(launch);
    running.exit().get(10, TimeUnit.SECONDS);

    Object result = running.loader().loadClass("demo.Main").getField("result").get(null);
    assertThat(result).isEqualTo("HELLO|from the app|from the library|18080|demo");
    assertThat(running.loader().getResource("app.txt").getProtocol()).isEqualTo("jar");
    System.clearProperty("server.port");
  }

  @Test
  void aSpringBootJarStartsThroughItsLauncherAndAnotherClassThroughPropertiesLauncher()
      throws Exception {
    byte[] boot =
        manifestOnly(
            Map.of(
                "Main-Class", "org.springframework.boot.loader.launch.JarLauncher",
                "Start-Class", "demo.BootApp"));
    Path app = extracted(Map.of("demo-0.0.1.jar", boot));

    assertThat(AppLauncher.plan(app, Optional.empty(), Optional.of("demo.BootApp")).mainClass())
        .isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
    assertThat(AppLauncher.plan(app, Optional.empty(), Optional.empty()).mainClass())
        .isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
    var other = AppLauncher.plan(app, Optional.empty(), Optional.of("demo.Tool"));
    assertThat(other.mainClass())
        .isEqualTo("org.springframework.boot.loader.launch.PropertiesLauncher");
    assertThat(other.properties()).containsEntry("loader.main", "demo.Tool");
  }

  @Test
  void aQuarkusFastJarStartsThroughItsEntryPoint() throws Exception {
    byte[] run =
        manifestOnly(Map.of("Main-Class", "io.quarkus.bootstrap.runner.QuarkusEntryPoint"));
    Path app = extracted(Map.of("quarkus-app/quarkus-run.jar", run, "README.md", new byte[0]));

    var launch =
        AppLauncher.plan(app, Optional.empty(), Optional.of("io.quarkus.runner.GeneratedMain"));
    assertThat(launch.classPath()).containsExactly(app.resolve("quarkus-app/quarkus-run.jar"));
    assertThat(launch.mainClass()).isEqualTo("io.quarkus.bootstrap.runner.QuarkusEntryPoint");
  }

  @Test
  void anArchivePathThatLeavesTheDirectoryIsRefused() {
    assertThatThrownBy(
            () ->
                AppLauncher.extract(
                    Map.of("../escape.jar", ByteString.of(new byte[] {1})), dir.resolve("app")))
        .hasMessageContaining("leaves the app directory");
    assertThat(dir.resolve("escape.jar")).doesNotExist();
  }

  @Test
  void theAppCannotSeeTheRuntimesLibraries() throws Exception {
    var loader =
        AppLauncher.start(
                AppLauncher.plan(extracted(archive()), Optional.empty(), Optional.of("demo.Main")))
            .loader();

    assertThatThrownBy(() -> loader.loadClass("org.bouncycastle.crypto.signers.ECDSASigner"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> loader.loadClass("dev.mse.enclave.app.AppLauncher"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(loader.loadClass("java.net.http.HttpClient")).isNotNull();
  }

  @Test
  void aMissingMainClassOrJarIsAClearError() throws Exception {
    Path app = extracted(archive());
    assertThatThrownBy(
            () ->
                AppLauncher.start(
                    AppLauncher.plan(app, Optional.empty(), Optional.of("demo.Nope"))))
        .isInstanceOf(AppLoadException.class)
        .hasMessageContaining("demo.Nope is not in the package");
    assertThatThrownBy(() -> AppLauncher.plan(app, Optional.of("other.jar"), Optional.empty()))
        .hasMessageContaining("no main jar other.jar");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> AppLauncher.plan(empty, Optional.empty(), Optional.empty()))
        .isInstanceOf(AppLoadException.class)
        .hasMessageContaining("holds no jar");
    Files.write(empty.resolve("bad.jar"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> AppLauncher.plan(empty, Optional.empty(), Optional.empty()))
        .isInstanceOf(AppLoadException.class)
        .hasMessageContaining("bad.jar is not a readable jar");
  }

  @Test
  void anExceptionInMainCompletesTheExitExceptionally() throws Exception {
    byte[] jar =
        TestJars.jar(
            Map.of(
                "boom.Main",
                "package boom; public class Main { public static void main(String[] a) { throw new IllegalStateException(\"boom\"); } }"),
            Map.of(),
            "boom.Main");
    var app =
        AppLauncher.start(
            AppLauncher.plan(
                extracted(Map.of("boom.jar", jar)), Optional.empty(), Optional.empty()));

    assertThatThrownBy(() -> app.exit().get(10, TimeUnit.SECONDS)).hasRootCauseMessage("boom");
  }
}
