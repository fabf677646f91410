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
 * The app's tests (tests_cmd = "java tests/SmokeTest.java"), run by 'mse home localtest' against
 * the app it started and by 'mse cloud test' against the verified enclave: TEST_REMOTE_URL is the
 * app, TEST_CA_CERT the one certificate to trust (the throwaway one localtest gave the app, or the
 * enclave's verified RA-TLS certificate).
 */
public class SmokeTest {
  public static void main(String[] args) throws Exception {
    String base = System.getenv("TEST_REMOTE_URL");
    String ca = System.getenv("TEST_CA_CERT");
    if (base == null || base.isBlank() || ca == null || ca.isBlank()) {
      System.err.println("SmokeTest: set TEST_REMOTE_URL and TEST_CA_CERT (mse home localtest does)");
      System.exit(2);
    }
    int failures = 0;
    try (HttpClient client = HttpClient.newBuilder().sslContext(trusting(Path.of(ca))).build()) {
      failures += expect(client, base + "/health", 200, "OK");
      failures += expect(client, base + "/", 200, "Hello from Quarkus");
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
