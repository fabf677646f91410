import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * The contest played by the demo parties of parties.properties (their private keys are in this
 * directory), sealing as 'mse home seal --receiver-public-key' does: java -cp 'target/lib/*'
 * tests/MillionairesTest.java, with TEST_REMOTE_URL set to the app's URL and TEST_CA_CERT to the
 * certificate it serves. Each party's first input is final: run it against a fresh start of the app
 * (as 'mse home localtest' gives it).
 */
public class MillionairesTest {
  static HttpClient client;
  static String base;
  static int failures;

  public static void main(String[] args) throws Exception {
    base = System.getenv("TEST_REMOTE_URL");
    if (base == null || base.isBlank()) {
      System.err.println(
          "MillionairesTest: set TEST_REMOTE_URL, for example https://app.example.com");
      System.exit(2);
    }
    HttpClient.Builder builder = HttpClient.newBuilder();
    String ca = System.getenv("TEST_CA_CERT");
    if (ca != null && !ca.isBlank()) {
      builder.sslContext(trusting(Path.of(ca)));
    }
    client = builder.build();
    Path here = Path.of("tests");
    byte[] alice = HexFormat.of().parseHex(Files.readString(here.resolve("alice.key")).strip());
    byte[] bob = HexFormat.of().parseHex(Files.readString(here.resolve("bob.key")).strip());
    byte[] stranger = new byte[32];
    new SecureRandom().nextBytes(stranger);

    expect("GET", "/health", null, 200, "OK");
    byte[] app = HexFormat.of().parseHex(get("/public-key").strip());
    expect("GET", "/result", null, 200, "\"missing\":[\"alice\",\"bob\"]");
    expect(
        "POST",
        "/inputs",
        seal("{\"wealth\": 1000000}", alice, app),
        201,
        "\"accepted\":\"alice\"");
    // The first input is final: a second one, even a different amount, is refused.
    expect("POST", "/inputs", seal("{\"wealth\": 3000000}", alice, app), 409, "already in");
    expect("POST", "/inputs", seal("{\"wealth\": 5000000}", stranger, app), 403, "not sealed");
    expect(
        "POST",
        "/inputs",
        "not sealed at all".getBytes(StandardCharsets.UTF_8),
        400,
        "not a sealed input");
    expect("POST", "/inputs", new byte[5000], 413, "at most");
    expect("GET", "/result", null, 200, "\"status\":\"waiting\",\"missing\":[\"bob\"]");
    expect(
        "POST", "/inputs", seal("{\"wealth\": 2500000.50}", bob, app), 201, "\"accepted\":\"bob\"");
    expect("GET", "/result", null, 200, "\"richest\":\"bob\"");
    System.out.println(
        failures == 0
            ? "MillionairesTest: all passed"
            : "MillionairesTest: " + failures + " failed");
    System.exit(failures == 0 ? 0 : 1);
  }

  /**
   * mse's sealed file: 0x01 ‖ enc ‖ HPKE auth-mode ciphertext, info "mse sealed file v1", aad 0x01.
   */
  static byte[] seal(String content, byte[] senderPrivate, byte[] receiverPublic) throws Exception {
    HPKE hpke =
        new HPKE(
            HPKE.mode_auth, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    byte[] senderPublic =
        new X25519PrivateKeyParameters(senderPrivate).generatePublicKey().getEncoded();
    AsymmetricCipherKeyPair sender = hpke.deserializePrivateKey(senderPrivate, senderPublic);
    byte[][] sealed =
        hpke.seal(
            hpke.deserializePublicKey(receiverPublic),
            "mse sealed file v1".getBytes(StandardCharsets.US_ASCII),
            new byte[] {1},
            content.getBytes(StandardCharsets.UTF_8),
            null,
            null,
            sender);
    byte[] out = new byte[1 + sealed[1].length + sealed[0].length];
    out[0] = 1;
    System.arraycopy(sealed[1], 0, out, 1, sealed[1].length);
    System.arraycopy(sealed[0], 0, out, 1 + sealed[1].length, sealed[0].length);
    return out;
  }

  static String get(String path) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static void expect(String method, String path, byte[] body, int status, String fragment)
      throws Exception {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body);
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(base + path)).method(method, publisher).build(),
            HttpResponse.BodyHandlers.ofString());
    boolean ok = r.statusCode() == status && r.body().contains(fragment);
    System.out.println(
        (ok ? "ok    " : "FAIL  ")
            + method
            + " "
            + path
            + " -> "
            + r.statusCode()
            + " "
            + r.body().strip());
    failures += ok ? 0 : 1;
  }

  static SSLContext trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      store.setCertificateEntry(
          "app", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
