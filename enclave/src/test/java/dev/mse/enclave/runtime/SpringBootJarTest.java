package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.app.MseTls;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.enclave.app.TestJars;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.loader.launch.JarLauncher;

/**
 * A Spring Boot executable jar, laid out as Boot's Maven plugin does (Boot's own launcher classes
 * at the root, the app in {@code BOOT-INF/classes}, its libraries as stored jars in {@code
 * BOOT-INF/lib}), runs unmodified: its {@code JarLauncher} finds its own jar and the nested jars,
 * and the app serves its TLS with the enclave's identity.
 */
class SpringBootJarTest {
  private static final String BOOT_APP =
      """
      package demo;
      import com.sun.net.httpserver.HttpsConfigurator;
      import com.sun.net.httpserver.HttpsServer;
      import dev.mse.app.MseTls;
      import java.net.InetSocketAddress;
      public class BootApp {
        public static void main(String[] args) throws Exception {
          HttpsServer server = HttpsServer.create(new InetSocketAddress(MseTls.host(), MseTls.port()), 0);
          server.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
          server.createContext("/health", ex -> { ex.sendResponseHeaders(200, -1); ex.close(); });
          server.createContext("/hello", ex -> {
            // A resource of a nested library jar, by its URL's text (as frameworks pass them).
            var url = MseTls.class.getResource("MseTls.class");
            int size = java.net.URI.create(url.toString()).toURL().openStream().readAllBytes().length;
            byte[] body = ("booted by " + BootApp.class.getClassLoader().getClass().getSimpleName()
                + " from " + url.getProtocol() + ", " + (size > 0)).getBytes();
            ex.sendResponseHeaders(200, body.length); ex.getResponseBody().write(body); ex.close();
          });
          server.start();
        }
      }
      """;

  @Test
  void anExecutableJarRunsThroughItsOwnLauncher(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work, bootJar(), "demo.BootApp", AppTls.APP);
    RuntimeOptions options = f.options(work);
    try (EnclaveRuntime runtime =
        f.startedAndProvisioned(options, RuntimeFixture.simulation(work))) {
      assertThat(runtime.status().state()).as("%s", runtime.status()).isEqualTo(State.RUNNING);

      HttpResponse<String> hello =
          f.client()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("https://localhost:" + options.appPort() + "/hello"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(hello.statusCode()).isEqualTo(200);
      assertThat(hello.body()).isEqualTo("booted by LaunchedClassLoader from jar, true");
    }
  }

  /** The executable jar: manifest, Boot's loader classes, the app and its nested library. */
  private static byte[] bootJar() throws Exception {
    byte[] app =
        TestJars.jar(Map.of("demo.BootApp", BOOT_APP), Map.of(), Map.of(), null, List.of());
    byte[] helper = TestJars.jar(Map.of(), Map.of(), Map.of(), null, List.of(MseTls.class));
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, JarLauncher.class.getName());
    main.putValue("Start-Class", "demo.BootApp");
    main.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
    main.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(out, manifest);
        JarFile loader =
            new JarFile(
                Path.of(
                        JarLauncher.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toFile())) {
      for (JarEntry e : java.util.Collections.list(loader.entries())) {
        if (e.getName().startsWith("org/") && !e.isDirectory()) {
          jar.putNextEntry(new JarEntry(e.getName()));
          try (var in = loader.getInputStream(e)) {
            in.transferTo(jar);
          }
        }
      }
      // Directory entries as Boot's plugin writes them: the launcher looks for BOOT-INF/classes/.
      for (String dir : List.of("BOOT-INF/", "BOOT-INF/classes/", "BOOT-INF/classes/demo/")) {
        jar.putNextEntry(new JarEntry(dir));
      }
      try (var classes = new JarFile(temp(app).toFile())) {
        for (JarEntry e : java.util.Collections.list(classes.entries())) {
          if (e.getName().endsWith(".class")) {
            jar.putNextEntry(new JarEntry("BOOT-INF/classes/" + e.getName()));
            try (var in = classes.getInputStream(e)) {
              in.transferTo(jar);
            }
          }
        }
      }
      jar.putNextEntry(new JarEntry("BOOT-INF/lib/"));
      // Nested jars are stored, not deflated: Boot reads them in place.
      JarEntry lib = new JarEntry("BOOT-INF/lib/mse-app-tls.jar");
      lib.setMethod(ZipEntry.STORED);
      lib.setSize(helper.length);
      CRC32 crc = new CRC32();
      crc.update(helper);
      lib.setCrc(crc.getValue());
      jar.putNextEntry(lib);
      jar.write(helper);
    }
    return out.toByteArray();
  }

  private static Path temp(byte[] jar) throws Exception {
    Path file = java.nio.file.Files.createTempFile("boot-classes", ".jar");
    file.toFile().deleteOnExit();
    return java.nio.file.Files.write(file, jar);
  }
}
