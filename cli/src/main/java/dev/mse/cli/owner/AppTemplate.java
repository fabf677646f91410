package dev.mse.cli.owner;

import dev.mse.cli.UserError;
import dev.mse.protocol.config.MseToml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The app {@code mse home scaffold} writes: a JDK-only HTTPS server ({@code
 * com.sun.net.httpserver.HttpsServer}) that takes its TLS identity from {@code MseTls}, with a
 * healthcheck and the two secrets demo endpoints, a smoke test run with {@code java
 * tests/SmokeTest.java}, {@code mse.toml}, {@code .mseignore} and the two secrets files.
 *
 * <p>{@code MseTls.java} is written into the app as source, so that the app still builds with the
 * JDK alone: the cli build copies it from the {@code app-tls} module (its one source) into {@link
 * #MSE_TLS_RESOURCE}.
 */
public final class AppTemplate {
  /** Where the cli build puts a copy of {@code app-tls}'s {@code MseTls.java}. */
  static final String MSE_TLS_RESOURCE = "/dev/mse/cli/owner/template/MseTls.java";

  /** Where the scaffolded app holds it. */
  static final String MSE_TLS_SOURCE = "src/main/java/dev/mse/app/MseTls.java";

  private AppTemplate() {}

  /** The Java package of the scaffolded app: {@code com.example.<name, letters and digits>}. */
  public static String javaPackage(String name) {
    String id = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (id.isEmpty() || !Character.isLetter(id.charAt(0))) {
      id = "app" + id;
    }
    return "com.example." + id;
  }

  /** Writes the app into the new directory {@code dir}; returns the files written, relative. */
  public static Map<String, String> write(Path dir, String name) {
    return write(dir, name, Optional.empty(), Optional.empty());
  }

  /**
   * As {@link #write(Path, String)}, with a {@code [cloud]} table naming the project and hardware
   * (for {@code mse cloud scaffold}).
   */
  public static Map<String, String> write(
      Path dir, String name, Optional<String> project, Optional<String> hardware) {
    String pkg = javaPackage(name);
    Path absolute = dir.toAbsolutePath();
    Optional<MseToml.Cloud> cloud =
        project.map(
            p ->
                new MseToml.Cloud(
                    absolute,
                    Optional.empty(),
                    p,
                    hardware,
                    Optional.empty(),
                    Optional.of(absolute.resolve("secrets.json")),
                    Optional.empty()));
    Map<String, String> files = new LinkedHashMap<>();
    MseToml toml =
        new MseToml(
            absolute,
            name,
            pkg + ".App",
            Optional.empty(),
            MseToml.DEFAULT_HEALTHCHECK,
            Optional.of("java tests/SmokeTest.java"),
            cloud);
    files.put(MseToml.FILE_NAME, toml.toToml());
    files.put("src/main/java/" + pkg.replace('.', '/') + "/App.java", app(pkg, name));
    files.put(MSE_TLS_SOURCE, mseTlsSource());
    files.put("tests/SmokeTest.java", SMOKE_TEST);
    files.put(".mseignore", MSEIGNORE);
    files.put(".gitignore", "build/\n");
    files.put("secrets.json", "{\n  \"region\": \"eu-west-1\"\n}\n");
    files.put("secrets_to_seal.json", "{\n  \"api_key\": \"change-me\"\n}\n");
    try {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.createDirectory(dir);
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path file = dir.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
      }
    } catch (FileAlreadyExistsException e) {
      throw new UserError(dir + " already exists", e);
    } catch (IOException e) {
      throw new UserError("cannot write the app into " + dir + ": " + e.getMessage(), e);
    }
    return files;
  }

  /** The source of {@code dev.mse.app.MseTls}, as the {@code app-tls} module has it. */
  static String mseTlsSource() {
    try (InputStream in = AppTemplate.class.getResourceAsStream(MSE_TLS_RESOURCE)) {
      if (in == null) {
        // A build of the cli without the copy step: a bug of the build, not of the user.
        throw new IllegalStateException(MSE_TLS_RESOURCE + " is missing from the mse jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String MSEIGNORE =
      """
      # Left out of the code archive (gitignore syntax). 'mse home package' archives the build
      # output: app.jar at the top and the libraries under lib/. mse.toml and the secrets files
      # are never packaged.
      lib/*-sources.jar
      lib/*-javadoc.jar
      """;

  private static String app(String pkg, String name) {
    return """
        package %s;

        import com.sun.net.httpserver.HttpExchange;
        import com.sun.net.httpserver.HttpServer;
        import com.sun.net.httpserver.HttpsConfigurator;
        import com.sun.net.httpserver.HttpsServer;
        import dev.mse.app.MseTls;
        import java.io.IOException;
        import java.net.InetSocketAddress;
        import java.nio.charset.StandardCharsets;
        import java.nio.file.Files;
        import java.nio.file.Path;
        import java.security.GeneralSecurityException;
        import java.util.ArrayList;
        import java.util.List;
        import java.util.concurrent.Executors;

        /**
         * %s: a web app that needs nothing but the JDK. It serves HTTPS itself with the TLS identity
         * mse gives it inside the enclave (MseTls: the certificate, key, port and address the
         * runtime set), and finds its secrets in the files MSE_SECRETS_PATH (plain, from the
         * operator) and MSE_SEALED_SECRETS_PATH (sealed by the owner to the enclave).
         */
        public final class App {
          private App() {}

          public static void main(String[] args) throws IOException, GeneralSecurityException {
            int port = port();
            InetSocketAddress address = new InetSocketAddress(MseTls.host(), port);
            HttpServer server;
            if (MseTls.enabled()) {
              HttpsServer https = HttpsServer.create(address, 0);
              https.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
              server = https;
            } else {
              // tls = "runtime" in mse.toml: the runtime serves TLS and forwards plain HTTP here,
              // on a loopback port inside the TEE.
              server = HttpServer.create(address, 0);
            }
            server.createContext("/health", e -> reply(e, 200, "text/plain", "OK\\n"));
            server.createContext(
                "/secrets", e -> reply(e, 200, "application/json", describe("MSE_SECRETS_PATH")));
            server.createContext(
                "/sealed_secrets",
                e -> reply(e, 200, "application/json", describe("MSE_SEALED_SECRETS_PATH")));
            server.createContext(
                "/",
                e -> {
                  if (e.getRequestURI().getPath().equals("/")) {
                    reply(e, 200, "text/plain", "Hello from %s, running in a TEE!\\n");
                  } else {
                    reply(e, 404, "text/plain", "not found\\n");
                  }
                });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            System.out.println(
                "%s listening on "
                    + (MseTls.enabled() ? "https" : "http")
                    + "://"
                    + MseTls.host()
                    + ":"
                    + server.getAddress().getPort());
          }

          /** The port mse gives the app: mse.tls.port, else PORT (MseTls). */
          static int port() {
            return MseTls.port();
          }

          /** Whether the secrets file named by {@code variable} exists, and its keys (never values). */
          static String describe(String variable) throws IOException {
            String path = System.getenv(variable);
            if (path == null || path.isBlank()) {
              return "{\\"variable\\":\\"" + variable + "\\",\\"present\\":false}\\n";
            }
            Path file = Path.of(path);
            if (!Files.isRegularFile(file)) {
              return "{\\"variable\\":\\"" + variable + "\\",\\"present\\":false}\\n";
            }
            List<String> keys = topLevelKeys(Files.readString(file, StandardCharsets.UTF_8));
            StringBuilder json = new StringBuilder();
            json.append("{\\"variable\\":\\"").append(variable).append("\\",\\"present\\":true,\\"keys\\":[");
            for (int i = 0; i < keys.size(); i++) {
              json.append(i == 0 ? "" : ",").append('"').append(keys.get(i)).append('"');
            }
            return json.append("]}\\n").toString();
          }

          /** The keys of a JSON object, without a JSON library: strings followed by ':' at depth 1. */
          static List<String> topLevelKeys(String json) {
            List<String> keys = new ArrayList<>();
            int depth = 0;
            for (int i = 0; i < json.length(); i++) {
              char c = json.charAt(i);
              if (c == '"') {
                StringBuilder s = new StringBuilder();
                int end = i + 1;
                while (end < json.length() && json.charAt(end) != '"') {
                  if (json.charAt(end) == '\\\\') {
                    end++;
                  }
                  if (end < json.length() && Character.isLetterOrDigit(json.charAt(end))
                      || end < json.length() && "_-.".indexOf(json.charAt(end)) >= 0) {
                    s.append(json.charAt(end));
                  }
                  end++;
                }
                if (depth == 1 && json.substring(Math.min(end + 1, json.length())).strip().startsWith(":")) {
                  keys.add(s.toString());
                }
                i = end;
              } else if (c == '{' || c == '[') {
                depth++;
              } else if (c == '}' || c == ']') {
                depth--;
              }
            }
            return keys;
          }

          private static void reply(HttpExchange e, int code, String type, String body)
              throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            e.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            e.sendResponseHeaders(code, bytes.length);
            try (var out = e.getResponseBody()) {
              out.write(bytes);
            }
          }
        }
        """
        .formatted(pkg, name, name, name);
  }

  private static final String SMOKE_TEST =
      """
      import java.io.InputStream;
      import java.net.URI;
      import java.net.http.HttpClient;
      import java.net.http.HttpRequest;
      import java.net.http.HttpResponse;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import java.security.KeyStore;
      import java.security.cert.CertificateFactory;
      import javax.net.ssl.SSLContext;
      import javax.net.ssl.TrustManagerFactory;

      /**
       * Smoke test of the deployed app: java tests/SmokeTest.java, with TEST_REMOTE_URL set to the
       * app's URL (https://<san>:<port>) and, for an RA-TLS certificate, TEST_CA_CERT set to the
       * ratls.pem that 'mse home verify' wrote.
       */
      public class SmokeTest {
        public static void main(String[] args) throws Exception {
          String base = System.getenv("TEST_REMOTE_URL");
          if (base == null || base.isBlank()) {
            System.err.println("SmokeTest: set TEST_REMOTE_URL, for example https://app.example.com:8443");
            System.exit(2);
          }
          HttpClient.Builder builder = HttpClient.newBuilder();
          String ca = System.getenv("TEST_CA_CERT");
          if (ca != null && !ca.isBlank()) {
            builder.sslContext(trusting(Path.of(ca)));
          }
          HttpClient client = builder.build();
          int failures = 0;
          failures += expect(client, base + "/health", 200, "OK");
          failures += expect(client, base + "/", 200, "Hello from");
          failures += expect(client, base + "/secrets", 200, "\\"variable\\"");
          failures += expect(client, base + "/sealed_secrets", 200, "\\"variable\\"");
          System.out.println(failures == 0 ? "SmokeTest: all passed" : "SmokeTest: " + failures + " failed");
          System.exit(failures == 0 ? 0 : 1);
        }

        static int expect(HttpClient client, String url, int status, String fragment) throws Exception {
          HttpResponse<String> r =
              client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
          boolean ok = r.statusCode() == status && r.body().contains(fragment);
          System.out.println((ok ? "ok    " : "FAIL  ") + url + " -> " + r.statusCode());
          return ok ? 0 : 1;
        }

        static SSLContext trusting(Path pem) throws Exception {
          KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
          store.load(null, null);
          try (InputStream in = Files.newInputStream(pem)) {
            store.setCertificateEntry("app", CertificateFactory.getInstance("X.509").generateCertificate(in));
          }
          TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init(store);
          SSLContext ctx = SSLContext.getInstance("TLS");
          ctx.init(null, tmf.getTrustManagers(), null);
          return ctx;
        }
      }
      """;
}
