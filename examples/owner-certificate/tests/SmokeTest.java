import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The app's tests (tests_cmd): java tests/SmokeTest.java, against TEST_REMOTE_URL. They trust one
 * certificate: TEST_CA_CERT when set (localtest: the throwaway certificate the app was given),
 * else the test CA of make-test-ca.sh (tls/ca.pem: 'mse cloud test' in owner mode, where users
 * trust your CA), else the JDK's CAs (a certificate from a public CA).
 */
public class SmokeTest {
  public static void main(String[] args) throws Exception {
    String base = System.getenv("TEST_REMOTE_URL");
    if (base == null || base.isBlank()) {
      System.err.println("SmokeTest: set TEST_REMOTE_URL, for example https://shop.localhost:8443");
      System.exit(2);
    }
    String ca = System.getenv("TEST_CA_CERT");
    Path trusted =
        ca != null && !ca.isBlank()
            ? Path.of(ca)
            : Files.isRegularFile(Path.of("tls/ca.pem")) ? Path.of("tls/ca.pem") : null;
    HttpClient.Builder builder = HttpClient.newBuilder();
    if (trusted != null) {
      builder.sslContext(trusting(trusted));
    }
    System.out.println(
        "SmokeTest: " + base + ", trusting " + (trusted == null ? "the JDK's CAs" : trusted));
    int failures = 0;
    try (HttpClient client = builder.build()) {
      failures += expect(client, base + "/health", 200, "OK");
      failures += expect(client, base + "/", 200, "Hello from the owner's certificate example");
      failures += expect(client, base + "/nothing-here", 404, "not found");
    }
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

  /** A TLS context that trusts the certificates of {@code pem} and nothing else. */
  static SSLContext trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("trusted-" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls;
  }
}
