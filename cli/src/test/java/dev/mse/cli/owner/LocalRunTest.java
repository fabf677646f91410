package dev.mse.cli.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.ratls.AppTls;
import dev.mse.cli.UserError;
import dev.mse.protocol.config.MseToml;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code localtest}'s run of an app: how it is launched, and an app that serves the wrong TLS. */
class LocalRunTest {
  @Test
  void anAppThatServesAnotherCertificateFailsWithTheReasonInsteadOfWaiting(@TempDir Path work)
      throws Exception {
    Path project = Files.createDirectories(work.resolve("other"));
    LocalTls other = LocalTls.create(work);
    Path source = project.resolve("src/main/java/com/example/Other.java");
    Files.createDirectories(source.getParent());
    Path helper = project.resolve(AppTemplate.MSE_TLS_SOURCE);
    Files.createDirectories(helper.getParent());
    Files.writeString(helper, AppTemplate.mseTlsSource());
    // An app that serves HTTPS on its port, but with a certificate of its own.
    Files.writeString(
        source,
        """
        package com.example;

        import com.sun.net.httpserver.HttpsConfigurator;
        import com.sun.net.httpserver.HttpsServer;
        import dev.mse.app.MseTls;
        import java.net.InetSocketAddress;

        public final class Other {
          public static void main(String[] args) throws Exception {
            System.setProperty("mse.tls.certificate", "%s");
            System.setProperty("mse.tls.key", "%s");
            HttpsServer server =
                HttpsServer.create(new InetSocketAddress(MseTls.host(), MseTls.port()), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
            server.createContext("/health", e -> {
              e.sendResponseHeaders(200, -1);
              e.close();
            });
            server.start();
          }
        }
        """
            .formatted(other.certificate(), other.key()));
    MseToml toml =
        MseToml.parse("name = \"other\"\njava_application = \"com.example.Other\"\n", project);

    assertThatThrownBy(
            () ->
                LocalRun.start(
                    toml,
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    new PrintWriter(new StringWriter())))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("does not serve HTTPS with the certificate it was given")
        .hasMessageContaining("MseTls");
  }

  @Test
  void inTheRuntimeModeTheScaffoldedAppServesPlainHttpOnItsLoopbackPort(@TempDir Path work)
      throws Exception {
    Path project = work.resolve("plain");
    AppTemplate.write(project, "plain");
    MseToml toml = MseToml.read(project.resolve(MseToml.FILE_NAME));

    try (LocalRun run =
        LocalRun.start(
            toml,
            AppTls.RUNTIME,
            Optional.empty(),
            Optional.empty(),
            false,
            new PrintWriter(new StringWriter()))) {
      assertThat(run.url()).startsWith("http://127.0.0.1:");
      assertThat(run.certificate()).isEmpty();
      try (HttpClient client = HttpClient.newHttpClient()) {
        HttpResponse<String> hello =
            client.send(
                HttpRequest.newBuilder(URI.create(run.url() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.body()).isEqualTo("Hello from plain, running in a TEE!\n");
      }
    }
  }

  @Test
  void aSpringBootJarAndAQuarkusAppStartByTheirOwnLaunchers(@TempDir Path code) throws Exception {
    MseToml toml = MseToml.parse("name = \"x\"\njava_application = \"com.example.App\"\n", code);
    Path app = code.resolve(AppPackager.MAIN_JAR);

    jar(app, "com/example/App.class");
    assertThat(LocalRun.launch(code, toml))
        .containsExactly(
            "-cp",
            app + java.io.File.pathSeparator + code.resolve("lib") + "/*",
            "com.example.App");

    jar(app, "BOOT-INF/classes/", "BOOT-INF/lib/");
    assertThat(LocalRun.launch(code, toml)).containsExactly("-jar", app.toString());

    Files.createDirectories(code.resolve("quarkus-app"));
    jar(code.resolve("quarkus-app/quarkus-run.jar"), "META-INF/MANIFEST.MF");
    assertThat(LocalRun.launch(code, toml))
        .containsExactly("-jar", code.resolve("quarkus-app/quarkus-run.jar").toString());
  }

  private static void jar(Path file, String... entries) throws Exception {
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out)) {
      for (String entry : entries) {
        jar.putNextEntry(new JarEntry(entry));
        jar.closeEntry();
      }
    }
  }
}
