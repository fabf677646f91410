package dev.mse.enclave.runtime;

import dev.mse.enclave.front.ServerIdentity;
import dev.mse.protocol.deploy.AppTlsProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
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
    Map<String, String> s = AppTlsProperties.serving(host, port, cert, key);
    return new AppTlsSettings(dir, s);
  }

  /**
   * {@code tls = "runtime"}: the app serves plain HTTP on {@code loopbackPort} of 127.0.0.1, behind
   * the runtime's TLS; it gets no key.
   */
  static AppTlsSettings runtime(int loopbackPort) {
    return new AppTlsSettings(null, AppTlsProperties.behindRuntime("127.0.0.1", loopbackPort));
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
