package dev.mse.enclave.runtime;

import dev.mse.enclave.front.ServerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The app's TLS identity and port, handed over in this JVM before its {@code main} runs: {@code
 * <secrets-dir>/tls/cert.pem} (chain, leaf first) and {@code key.pem} (PKCS#8), 0600 in a 0700
 * directory of the memory-backed secrets directory, and the system properties that the mse helper
 * ({@code dev.mse.app.MseTls}) and common frameworks read. With {@code tls = "runtime"} the app
 * gets no key, only a plain loopback port. {@link #close()} removes the files and the properties.
 */
final class AppTlsSettings implements AutoCloseable {
  private final Path dir;
  private final Map<String, String> properties;

  private AppTlsSettings(Path dir, Map<String, String> properties) {
    this.dir = dir;
    this.properties = properties;
    properties.forEach(System::setProperty);
  }

  /** The app serves TLS itself on {@code host:port} as {@code identity}. */
  static AppTlsSettings app(Path secretsDir, String host, int port, ServerIdentity identity)
      throws IOException, CertificateEncodingException {
    Path dir = secretsDir.resolve("tls");
    SecretsFiles.deleteTree(dir);
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    StringBuilder chain = new StringBuilder();
    for (X509Certificate c : identity.chain()) {
      chain.append(pem("CERTIFICATE", c.getEncoded()));
    }
    Path cert = SecretsFiles.writeOwnerOnly(dir.resolve("cert.pem"), chain.toString());
    Path key =
        SecretsFiles.writeOwnerOnly(
            dir.resolve("key.pem"), pem("PRIVATE KEY", identity.key().getEncoded()));
    String p = Integer.toString(port);
    Map<String, String> s = new LinkedHashMap<>();
    s.put("mse.tls.mode", "app");
    s.put("mse.tls.port", p);
    s.put("mse.tls.host", host);
    s.put("mse.tls.certificate", cert.toString());
    s.put("mse.tls.key", key.toString());
    // Spring Boot (server.port is Helidon's too).
    s.put("server.port", p);
    s.put("server.address", host);
    s.put("server.ssl.enabled", "true");
    s.put("server.ssl.certificate", "file:" + cert);
    s.put("server.ssl.certificate-private-key", "file:" + key);
    s.put("server.http2.enabled", "true");
    // Quarkus: TLS only, no plain HTTP port.
    s.put("quarkus.http.host", host);
    s.put("quarkus.http.ssl-port", p);
    s.put("quarkus.http.insecure-requests", "disabled");
    s.put("quarkus.http.ssl.certificate.files", cert.toString());
    s.put("quarkus.http.ssl.certificate.key-files", key.toString());
    // Helidon 4.
    s.put("server.host", host);
    s.put("server.tls.private-key.pem.key.resource.path", key.toString());
    s.put("server.tls.private-key.pem.cert-chain.resource.path", cert.toString());
    // Micronaut 4 (PEM key store paths since 4.10).
    s.put("micronaut.server.host", host);
    s.put("micronaut.server.ssl.enabled", "true");
    s.put("micronaut.server.ssl.port", p);
    s.put("micronaut.server.ssl.key-store.key-path", "file:" + key);
    s.put("micronaut.server.ssl.key-store.certificate-path", "file:" + cert);
    return new AppTlsSettings(dir, s);
  }

  /**
   * {@code tls = "runtime"}: the app serves plain HTTP on {@code loopbackPort} of 127.0.0.1, behind
   * the runtime's TLS; it gets no key.
   */
  static AppTlsSettings runtime(int loopbackPort) {
    String p = Integer.toString(loopbackPort);
    String host = "127.0.0.1";
    Map<String, String> s = new LinkedHashMap<>();
    s.put("mse.tls.mode", "runtime");
    s.put("mse.tls.port", p);
    s.put("mse.tls.host", host);
    s.put("server.port", p);
    s.put("server.address", host);
    s.put("server.host", host);
    s.put("quarkus.http.port", p);
    s.put("quarkus.http.host", host);
    s.put("micronaut.server.port", p);
    s.put("micronaut.server.host", host);
    return new AppTlsSettings(null, s);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** Removes the key files and the properties. */
  @Override
  public void close() throws IOException {
    properties.keySet().forEach(System::clearProperty);
    if (dir != null) {
      SecretsFiles.deleteTree(dir);
    }
  }
}
