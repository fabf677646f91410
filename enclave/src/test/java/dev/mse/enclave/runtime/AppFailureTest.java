package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.enclave.app.TestJars;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app that cannot serve as it must fails with the reason as soon as that is known, rather than
 * staying {@code initializing} until the health check gives up (30 s in these tests, so a reason
 * other than the health timeout shows the failure came first).
 */
class AppFailureTest {
  private static final String THROWING_APP =
      """
      package demo;
      public class App {
        public static void main(String[] args) {
          throw new IllegalStateException("no database configured");
        }
      }
      """;

  /** Runs out of heap on a thread of its own while it starts (one array larger than the heap). */
  private static final String OUT_OF_MEMORY_APP =
      """
      package demo;
      public class App {
        public static volatile long[] cache;
        public static void main(String[] args) {
          Thread.ofPlatform().name("cache-loader").start(() -> {
            cache = new long[Integer.MAX_VALUE / 2];
          });
        }
      }
      """;

  /** HTTPS with a certificate of its own, from a PKCS#12 resource, instead of the enclave's. */
  private static final String OWN_CERTIFICATE_APP =
      """
      package demo;
      import com.sun.net.httpserver.HttpsConfigurator;
      import com.sun.net.httpserver.HttpsServer;
      import dev.mse.app.MseTls;
      import java.io.ByteArrayInputStream;
      import java.net.InetSocketAddress;
      import java.security.KeyStore;
      import java.util.Base64;
      import javax.net.ssl.KeyManagerFactory;
      import javax.net.ssl.SSLContext;
      public class App {
        public static void main(String[] args) throws Exception {
          byte[] p12 = Base64.getMimeDecoder().decode(App.class.getResourceAsStream("/own.p12.b64").readAllBytes());
          KeyStore store = KeyStore.getInstance("PKCS12");
          store.load(new ByteArrayInputStream(p12), new char[0]);
          KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
          keys.init(store, new char[0]);
          SSLContext tls = SSLContext.getInstance("TLS");
          tls.init(keys.getKeyManagers(), null, null);
          HttpsServer server = HttpsServer.create(new InetSocketAddress(MseTls.host(), MseTls.port()), 0);
          server.setHttpsConfigurator(new HttpsConfigurator(tls));
          server.createContext("/health", ex -> { ex.sendResponseHeaders(200, -1); ex.close(); });
          server.start();
        }
      }
      """;

  private static EnclaveRuntime started(Path work, RuntimeFixture f) throws Exception {
    return f.startedAndProvisioned(f.options(work), RuntimeFixture.simulation(work));
  }

  @Test
  void anExceptionFromMainFailsTheAppWithIt(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work, THROWING_APP, AppTls.APP);
    try (EnclaveRuntime runtime = started(work, f)) {
      assertThat(runtime.status().state()).isEqualTo(State.FAILED);
      assertThat(runtime.status().failure().orElseThrow())
          .contains("the app's main method failed", "no database configured");
    }
  }

  @Test
  void runningOutOfMemoryInAnyThreadWhileStartingFailsTheApp(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work, OUT_OF_MEMORY_APP, AppTls.APP);
    try (EnclaveRuntime runtime = started(work, f)) {
      assertThat(runtime.status().state()).isEqualTo(State.FAILED);
      assertThat(runtime.status().failure().orElseThrow())
          .contains("the app ran out of memory while starting", "cache-loader", "heap is at most");
    }
  }

  @Test
  void anAppServingAnotherCertificateFailsWithTheReason(@TempDir Path work) throws Exception {
    RuntimeFixture own =
        new RuntimeFixture(
            work,
            TestJars.jar(
                Map.of("demo.App", OWN_CERTIFICATE_APP),
                Map.of(),
                Map.of("own.p12.b64", Base64.getMimeEncoder().encodeToString(ownKeyStore())),
                "demo.App",
                List.of(dev.mse.app.MseTls.class)),
            AppTls.APP);
    RuntimeOptions options = own.options(work);
    try (EnclaveRuntime runtime =
        own.startedAndProvisioned(options, RuntimeFixture.simulation(work))) {
      assertThat(runtime.status().state()).isEqualTo(State.FAILED);
      assertThat(runtime.status().failure().orElseThrow())
          .contains(
              "the app serves a certificate other than the enclave's on its port "
                  + options.appPort(),
              "CN=not-the-enclave");
    }
  }

  /** A PKCS#12 key store (empty password) with a self-signed P-256 certificate of its own. */
  private static byte[] ownKeyStore() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = g.generateKeyPair();
    X500Name name = new X500Name("CN=not-the-enclave");
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(Instant.now().minus(1, ChronoUnit.HOURS)),
                        Date.from(Instant.now().plus(1, ChronoUnit.DAYS)),
                        name,
                        key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, new char[0]);
    store.setKeyEntry("own", key.getPrivate(), new char[0], new Certificate[] {cert});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, new char[0]);
    return out.toByteArray();
  }
}
