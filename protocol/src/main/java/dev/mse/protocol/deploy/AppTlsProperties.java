package dev.mse.protocol.deploy;

import dev.mse.attestation.ratls.AppTls;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The system properties an app gets before its {@code main} runs, so that it serves its own TLS
 * with the identity it was handed: those of {@code MseTls} ({@code mse.tls.*}), Spring Boot,
 * Quarkus, Helidon and Micronaut at once, each framework reading its own. The runtime sets them
 * inside the TEE; {@code mse home localtest} sets the same outside it. One list, so the two never
 * drift apart.
 */
public final class AppTlsProperties {
  private AppTlsProperties() {}

  /** The app serves TLS on {@code host:port} with the PEM chain and PKCS#8 key in these files. */
  public static Map<String, String> serving(String host, int port, Path certificate, Path key) {
    String p = Integer.toString(port);
    Map<String, String> s = new LinkedHashMap<>();
    s.put("mse.tls.mode", AppTls.APP.wireName());
    s.put("mse.tls.host", host);
    s.put("mse.tls.port", p);
    s.put("mse.tls.certificate", certificate.toString());
    s.put("mse.tls.key", key.toString());
    // Spring Boot (Tomcat, Jetty or Undertow); server.port is Helidon's too.
    s.put("server.port", p);
    s.put("server.address", host);
    s.put("server.ssl.enabled", "true");
    s.put("server.ssl.certificate", "file:" + certificate);
    s.put("server.ssl.certificate-private-key", "file:" + key);
    s.put("server.http2.enabled", "true");
    // Quarkus: TLS only, no plain HTTP port.
    s.put("quarkus.http.host", host);
    s.put("quarkus.http.ssl-port", p);
    s.put("quarkus.http.insecure-requests", "disabled");
    s.put("quarkus.http.ssl.certificate.files", certificate.toString());
    s.put("quarkus.http.ssl.certificate.key-files", key.toString());
    // Helidon 4.
    s.put("server.host", host);
    s.put("server.tls.private-key.pem.key.resource.path", key.toString());
    s.put("server.tls.private-key.pem.cert-chain.resource.path", certificate.toString());
    // Micronaut 4.9+: TLS only, the key and chain from its PEM certificate provider.
    s.put("micronaut.server.host", host);
    s.put("micronaut.server.ssl.enabled", "true");
    s.put("micronaut.server.ssl.port", p);
    s.put("micronaut.server.ssl.key-name", "mse");
    s.put("micronaut.certificate.file.mse.format", "PEM");
    s.put("micronaut.certificate.file.mse.path", key.toString());
    s.put("micronaut.certificate.file.mse.certificate-path", certificate.toString());
    s.put("micronaut.server.http-version", "2.0");
    return s;
  }

  /**
   * {@code tls = "runtime"}: the app serves plain HTTP on {@code host:port} (loopback inside the
   * TEE) behind the runtime's TLS, and gets no key.
   */
  public static Map<String, String> behindRuntime(String host, int port) {
    String p = Integer.toString(port);
    Map<String, String> s = new LinkedHashMap<>();
    s.put("mse.tls.mode", AppTls.RUNTIME.wireName());
    s.put("mse.tls.host", host);
    s.put("mse.tls.port", p);
    s.put("server.port", p);
    s.put("server.address", host);
    s.put("server.host", host);
    s.put("quarkus.http.host", host);
    s.put("quarkus.http.port", p);
    s.put("micronaut.server.host", host);
    s.put("micronaut.server.port", p);
    return s;
  }
}
