package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims.State;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is reachable of a running enclave speaks TLS with the enclave's certificate: the runtime's
 * process listens on its two ports, and the app's port, even bound to the wildcard address by the
 * app itself, serves the identity the runtime handed over; an app that listens with plain HTTP
 * fails instead of being served. Checked from outside the app: the sockets the process really
 * listens on, as the kernel lists them in {@code /proc/<pid>/net/tcp(6)}, and a TLS handshake.
 */
class AppExposureTest {
  /** The helper's TLS on the wildcard address (not the host the runtime asks for). */
  private static final String WILDCARD_TLS_APP =
      """
      package demo;
      import com.sun.net.httpserver.HttpsConfigurator;
      import com.sun.net.httpserver.HttpsServer;
      import dev.mse.app.MseTls;
      import java.net.InetSocketAddress;
      public class App {
        public static void main(String[] args) throws Exception {
          HttpsServer server = HttpsServer.create(new InetSocketAddress(MseTls.port()), 0);
          server.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
          server.createContext("/health", ex -> { ex.sendResponseHeaders(200, -1); ex.close(); });
          server.start();
        }
      }
      """;

  /** Plain HTTP on the wildcard address. */
  static final String WILDCARD_PLAIN_APP =
      """
      package demo;
      import com.sun.net.httpserver.HttpServer;
      import dev.mse.app.MseTls;
      import java.net.InetSocketAddress;
      public class App {
        public static void main(String[] args) throws Exception {
          HttpServer server = HttpServer.create(new InetSocketAddress(MseTls.port()), 0);
          server.createContext("/health", ex -> { ex.sendResponseHeaders(200, -1); ex.close(); });
          server.start();
        }
      }
      """;

  /** One listening socket: its local address and port. */
  record Listener(InetAddress address, int port) {}

  @Test
  void bothPortsEvenTheAppsOnTheWildcardAddressServeTheEnclavesCertificate(@TempDir Path work)
      throws Exception {
    RuntimeFixture f = new RuntimeFixture(work, WILDCARD_TLS_APP, AppTls.APP);
    RuntimeOptions options = f.options(work);
    try (EnclaveRuntime runtime =
        f.startedAndProvisioned(options, RuntimeFixture.simulation(work))) {
      assertThat(runtime.status().state()).as("%s", runtime.status()).isEqualTo(State.RUNNING);

      List<Listener> listening = listeners(ProcessHandle.current().pid());
      assertThat(listening)
          .extracting(Listener::port)
          .as("the process listens on the enclave port and the app port")
          .contains(runtime.port(), options.appPort());
      for (int port : new int[] {runtime.port(), options.appPort()}) {
        assertThat(servedLeaf(port))
            .as("port %d speaks TLS as the enclave", port)
            .isEqualTo(runtime.attested().chain().getFirst());
      }
    }
  }

  @Test
  void anAppThatListensWithPlainHttpFailsWithTheReason(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work, WILDCARD_PLAIN_APP, AppTls.APP);
    RuntimeOptions options = f.options(work);
    try (EnclaveRuntime runtime =
        f.startedAndProvisioned(options, RuntimeFixture.simulation(work))) {
      assertThat(runtime.status().state()).isEqualTo(State.FAILED);
      assertThat(runtime.status().failure().orElseThrow())
          .contains("the app serves plain HTTP on its port " + options.appPort());
    }
  }

  /** The leaf certificate a TLS server on {@code port} presents (its trust is not tested here). */
  private static X509Certificate servedLeaf(int port) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** The TCP sockets process {@code pid} listens on. */
  static List<Listener> listeners(long pid) throws Exception {
    Set<String> inodes;
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      inodes =
          fds.map(AppExposureTest::linkTarget)
              .filter(t -> t.startsWith("socket:["))
              .map(t -> t.substring("socket:[".length(), t.length() - 1))
              .collect(Collectors.toSet());
    }
    List<Listener> found = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/net/" + table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.strip().split("\\s+");
        String[] local = f[1].split(":");
        int port = Integer.parseInt(local[1], 16);
        // State 0A is LISTEN; field 9 is the socket's inode.
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          found.add(new Listener(address(local[0]), port));
        }
      }
    }
    return found;
  }

  private static String linkTarget(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (Exception gone) {
      return "";
    }
  }

  /** The kernel's hex form: 32-bit words in host (little-endian) order. */
  private static InetAddress address(String hex) throws Exception {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = word * 8 + (3 - i) * 2;
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return InetAddress.getByAddress(bytes);
  }
}
