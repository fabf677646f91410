package dev.mse.enclave.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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

  @Test
  void runsMainFromMemoryWithResourcesServicesAndLibraries() throws Exception {
    var classPath = AppLauncher.classPath(archive(), Optional.of("app.jar"));
    assertThat(classPath).extracting(JarImage::name).containsExactly("app.jar", "lib/greeter.jar");

    var app = AppLauncher.start(classPath, Optional.empty(), 18080);
    app.exit().get(10, TimeUnit.SECONDS);

    Object result = app.loader().loadClass("demo.Main").getField("result").get(null);
    assertThat(result).isEqualTo("HELLO|from the app|from the library|18080|demo");
    assertThat(app.loader().getResource("app.txt").getProtocol()).isEqualTo("mse-mem");
  }

  @Test
  void theAppCannotSeeTheRuntimesLibraries() throws Exception {
    var loader = new MemoryClassLoader(AppLauncher.classPath(archive(), Optional.empty()));

    assertThatThrownBy(() -> loader.loadClass("org.bouncycastle.crypto.signers.ECDSASigner"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> loader.loadClass("dev.mse.enclave.app.AppLauncher"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(loader.loadClass("java.net.http.HttpClient")).isNotNull();
  }

  @Test
  void aMissingMainClassOrJarIsAClearError() {
    assertThatThrownBy(
            () ->
                AppLauncher.start(
                    AppLauncher.classPath(archive(), Optional.empty()),
                    Optional.of("demo.Nope"),
                    1))
        .isInstanceOf(AppLoadException.class)
        .hasMessageContaining("demo.Nope is not in the package");
    assertThatThrownBy(() -> AppLauncher.classPath(Map.of("a.txt", new byte[0]), Optional.empty()))
        .isInstanceOf(AppLoadException.class)
        .hasMessageContaining("holds no jar");
    assertThatThrownBy(() -> AppLauncher.classPath(archive(), Optional.of("other.jar")))
        .hasMessageContaining("no main jar other.jar");
    assertThatThrownBy(
            () -> AppLauncher.classPath(Map.of("bad.jar", new byte[] {1, 2, 3}), Optional.empty()))
        .isInstanceOf(AppLoadException.class);
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
    var app = AppLauncher.start(List.of(JarImage.read("boom.jar", jar)), Optional.empty(), 1);

    assertThatThrownBy(() -> app.exit().get(10, TimeUnit.SECONDS)).hasRootCauseMessage("boom");
  }
}
