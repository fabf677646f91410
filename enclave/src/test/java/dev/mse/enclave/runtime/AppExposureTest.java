package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.enclave.app.TestJars;
import dev.mse.enclave.tee.GramineSgxBackend;
import dev.mse.enclave.tee.SimulationBackend;
import dev.mse.enclave.tee.TeeBackend;
import dev.mse.protocol.deploy.AppTls;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.provisioning.ProvisioningMessage;
import dev.mse.protocol.provisioning.ProvisioningSeal;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * What an app binds is reachable from outside the node only through the TLS front, whatever address
 * it asks for; where the front would have to reach it through the host (SGX, loopback), the app
 * fails instead. Checked from outside the app: the sockets the runtime's process really listens on,
 * as the kernel lists them in {@code /proc/<pid>/net/tcp(6)}.
 */
class AppExposureTest {
  /** Two HTTP servers on the wildcard address: its port and a second one. */
  private static final String WILDCARD_APP =
      """
      package demo;
      import com.sun.net.httpserver.HttpServer;
      import java.net.InetSocketAddress;
      public class App {
        public static void main(String[] args) throws Exception {
          for (int port : new int[] {Integer.getInteger("server.port"), Integer.getInteger("test.second.port")}) {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
            server.createContext("/health", ex -> { ex.sendResponseHeaders(200, -1); ex.close(); });
            server.start();
          }
        }
      }
      """;

  /** An HTTP server on plain java.net sockets, on loopback: outside the app network. */
  private static final String BLOCKING_APP =
      """
      package demo;
      import java.net.InetAddress;
      import java.net.ServerSocket;
      import java.net.Socket;
      public class App {
        public static void main(String[] args) throws Exception {
          ServerSocket server = new ServerSocket(Integer.getInteger("server.port"), 50, InetAddress.getLoopbackAddress());
          Thread.ofPlatform().daemon().start(() -> {
            while (true) {
              try (Socket s = server.accept()) {
                s.getInputStream().read(new byte[4096]);
                s.getOutputStream().write("HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n".getBytes());
              } catch (Exception e) {
                return;
              }
            }
          });
        }
      }
      """;

  /** An HTTP server through NIO, on loopback, that closes its port when asked to. */
  private static final String CLOSING_APP =
      """
      package demo;
      import com.sun.net.httpserver.HttpServer;
      import java.net.InetSocketAddress;
      public class App {
        public static void main(String[] args) throws Exception {
          HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.getInteger("server.port")), 0);
          server.createContext("/health", ex -> { ex.sendResponseHeaders(200, -1); ex.close(); });
          server.createContext("/close", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
            Thread.ofPlatform().start(() -> server.stop(0));
          });
          server.start();
        }
      }
      """;

  /** One listening socket: its local address and port. */
  record Listener(InetAddress address, int port) {}

  @Test
  void anAppThatBindsTheWildcardAddressListensOnLoopbackOnly(@TempDir Path work) throws Exception {
    int second = RuntimeFixture.freePort();
    System.setProperty("test.second.port", Integer.toString(second));
    RuntimeFixture f = new RuntimeFixture(work);
    RuntimeOptions options = f.options(work);
    TeeBackend tee =
        new SimulationBackend(
            ByteString.fromHex("ab".repeat(32)), work.resolve("sim.key"), Clock.systemUTC());
    try (EnclaveRuntime runtime = started(work, f, options, tee, WILDCARD_APP)) {
      assertThat(runtime.status().state()).as("%s", runtime.status()).isEqualTo(State.RUNNING);

      List<Listener> app = listeners(ProcessHandle.current().pid(), options.appPort(), second);
      assertThat(app)
          .as("the app's two servers listen, on loopback only")
          .extracting(Listener::port)
          .contains(options.appPort(), second);
      assertThat(app).allSatisfy(l -> assertThat(l.address().isLoopbackAddress()).isTrue());
    }
  }

  @Test
  void underSgxAnAppOutsideTheAppNetworkFailsInsteadOfBeingRelayedThroughTheHost(@TempDir Path work)
      throws Exception {
    Path dev = gramineAttestation(work);
    RuntimeFixture f = new RuntimeFixture(work);
    try (EnclaveRuntime runtime =
        started(work, f, f.options(work), new GramineSgxBackend(dev), BLOCKING_APP)) {
      assertThat(runtime.status().state()).isEqualTo(State.FAILED);
      assertThat(runtime.status().failure().orElseThrow())
          .contains("in memory", "through the untrusted host", "gramine-sgx");
    }
  }

  @Test
  void underSgxAnAppThatLeavesTheAppNetworkLaterFailsAtTheNextRequest(@TempDir Path work)
      throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    try (EnclaveRuntime runtime =
        started(
            work,
            f,
            f.options(work),
            new GramineSgxBackend(gramineAttestation(work)),
            CLOSING_APP)) {
      assertThat(runtime.status().state()).as("%s", runtime.status()).isEqualTo(State.RUNNING);
      assertThat(statusLine(runtime.port(), "/close")).startsWith("HTTP/1.1 200 ");

      // The app's port is gone from memory; a loopback socket to it would cross the host.
      assertThat(statusLine(runtime.port(), "/hello")).startsWith("HTTP/1.1 500 ");
      assertThat(runtime.status().state()).isEqualTo(State.FAILED);
      assertThat(runtime.status().failure().orElseThrow()).contains("gramine-sgx refuses");
    }
  }

  /** The status line of a GET over TLS to the front (its certificate is not what is tested). */
  private static String statusLine(int port, String path) throws Exception {
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
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
          .readLine();
    }
  }

  /**
   * A directory that behaves as Gramine's {@code /dev/attestation}: its {@code quote} (a pipe)
   * answers the read that follows each write of the report data with a quote over it, made by the
   * simulated TEE.
   */
  private static Path gramineAttestation(Path work) throws Exception {
    Path dev = Files.createDirectories(work.resolve("dev-attestation"));
    Files.writeString(dev.resolve("attestation_type"), "dcap\n");
    Files.write(dev.resolve("user_report_data"), new byte[0]);
    Files.createDirectories(dev.resolve("keys"));
    Files.write(dev.resolve("keys/_sgx_mrenclave"), new byte[16]);
    Path quote = dev.resolve("quote");
    assertThat(new ProcessBuilder("mkfifo", quote.toString()).start().waitFor()).isZero();
    SimulationBackend quoting =
        new SimulationBackend(
            ByteString.fromHex("ab".repeat(32)), work.resolve("sim.key"), Clock.systemUTC());
    Path reportData = dev.resolve("user_report_data");
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                FileTime served = Files.getLastModifiedTime(reportData);
                while (true) {
                  // One quote per report data written (the backend writes it, then reads the
                  // quote): opening the pipe again before its reader closed it would append.
                  while (Files.getLastModifiedTime(reportData).equals(served)) {
                    Thread.sleep(2);
                  }
                  served = Files.getLastModifiedTime(reportData);
                  try (var out = Files.newOutputStream(quote)) {
                    out.write(quoting.quote(ByteString.of(Files.readAllBytes(reportData))));
                  }
                }
              } catch (Exception stopped) {
                // The test is over.
              }
            });
    return dev;
  }

  /**
   * Starts a runtime for an app of {@code source} (with {@code f}'s owner), provisions it and waits
   * until it runs or failed.
   */
  private static EnclaveRuntime started(
      Path work, RuntimeFixture f, RuntimeOptions options, TeeBackend tee, String source)
      throws Exception {
    Path code = Files.createDirectories(work.resolve("exposure-code"));
    Files.write(
        code.resolve("app.jar"), TestJars.jar(Map.of("demo.App", source), Map.of(), "demo.App"));
    AppPackage appPackage =
        AppPackage.create(
            "exposure",
            "demo.App",
            Optional.empty(),
            "/health",
            CodeArchive.create(code),
            f.codeKey);
    DeploymentConfig config =
        new DeploymentConfig(
            f.appId,
            "exposure",
            "demo.App",
            Optional.empty(),
            "/health",
            f.config.sslOrigin(),
            f.config.domain(),
            f.config.expires(),
            f.config.ownerPublicKey(),
            appPackage.packageSha256(),
            Optional.empty(),
            AppTls.APP);
    EnclaveRuntime runtime = EnclaveRuntime.start(options, tee, config, appPackage);
    AttestationClaims claims =
        runtime
            .evidence()
            .claims(
                runtime.identity().attested().chain().getFirst().getPublicKey(),
                State.WAITING,
                Optional.empty(),
                Optional.empty());
    runtime.provision(
        ProvisioningSeal.seal(
            new ProvisioningMessage(
                f.appId, f.codeKey, Optional.empty(), Optional.empty(), Optional.empty()),
            f.owner,
            X25519PublicKey.of(claims.hpkePublicKey().toByteArray()),
            config.sha256()),
        Optional.empty());
    for (int i = 0; i < 600 && runtime.status().state() == State.INITIALIZING; i++) {
      Thread.sleep(50);
    }
    return runtime;
  }

  /** The TCP sockets process {@code pid} listens on with one of {@code ports}. */
  static List<Listener> listeners(long pid, int... ports) throws Exception {
    Set<Integer> wanted =
        java.util.Arrays.stream(ports).boxed().collect(Collectors.toUnmodifiableSet());
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
        if (f[3].equals("0A") && wanted.contains(port) && inodes.contains(f[9])) {
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
