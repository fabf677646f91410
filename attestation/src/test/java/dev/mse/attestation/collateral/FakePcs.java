package dev.mse.attestation.collateral;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mse.attestation.testing.TestVectors;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PCS/PCCS stand-in on 127.0.0.1 that serves the real collateral files of the test vectors with
 * the headers PCS sends, and counts the requests it gets.
 */
final class FakePcs implements AutoCloseable {
  static final String SGX_FMSPC = "00606A000000";
  static final String TDX_FMSPC = "00806F050000";

  /** One canned answer. */
  record Route(
      int status, byte[] body, Map<String, String> headers, Duration delay, boolean chunked) {
    static Route ok(byte[] body, Map<String, String> headers) {
      return new Route(200, body, headers, Duration.ZERO, false);
    }

    Route delayed(Duration by) {
      return new Route(status, body, headers, by, chunked);
    }

    Route chunkedBody() {
      return new Route(status, body, headers, delay, true);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  FakePcs() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Serves SGX FMSPC 00606A000000 (automata 0825) and TDX FMSPC 00806F050000 (automata 0625). */
  static FakePcs withRealCollateral() throws IOException {
    FakePcs pcs = new FakePcs();
    String signing =
        pem("tdx/automata/common/intel_sgx_tcb_signing.der", "roots/intel/Intel_SGX_Root_CA.der");
    String platformCa =
        pem(
            "sgx/automata/common/intel_sgx_pck_platform_ca.der",
            "roots/intel/Intel_SGX_Root_CA.der");
    pcs.route(
        "/sgx/certification/v4/tcb?fmspc=" + SGX_FMSPC,
        Route.ok(
            TestVectors.bytes("sgx/automata/0825/sgx_tcbinfov3_00606a000000.json"),
            Map.of("TCB-Info-Issuer-Chain", rfc3986(signing))));
    pcs.route(
        "/sgx/certification/v4/qe/identity",
        Route.ok(
            TestVectors.bytes("sgx/automata/0825/sgx_qeidentity_v4.json"),
            Map.of("SGX-Enclave-Identity-Issuer-Chain", rfc3986(signing))));
    pcs.route(
        "/sgx/certification/v4/pckcrl?ca=platform&encoding=der",
        Route.ok(
            TestVectors.bytes("sgx/automata/0825/platform_crl.der"),
            Map.of("SGX-PCK-CRL-Issuer-Chain", rfc3986(platformCa))));
    // A PCCS answers /rootcacrl with the hex of the DER.
    pcs.route(
        "/sgx/certification/v4/rootcacrl",
        Route.ok(
            HexFormat.of()
                .formatHex(TestVectors.bytes("sgx/automata/common/intel_sgx_root_ca_crl.der"))
                .getBytes(StandardCharsets.US_ASCII),
            Map.of()));
    // Older servers name the TCB Info header SGX-TCB-Info-Issuer-Chain; some form-encode.
    pcs.route(
        "/tdx/certification/v4/tcb?fmspc=" + TDX_FMSPC,
        Route.ok(
            TestVectors.bytes("tdx/automata/0625/tcbinfov3_00806f050000.json"),
            Map.of(
                "SGX-TCB-Info-Issuer-Chain", URLEncoder.encode(signing, StandardCharsets.UTF_8))));
    pcs.route(
        "/tdx/certification/v4/qe/identity",
        Route.ok(
            TestVectors.bytes("tdx/automata/0625/qe_td.json"),
            Map.of("SGX-Enclave-Identity-Issuer-Chain", rfc3986(signing))));
    // Intel's CRL distribution point serves DER.
    pcs.route(
        "/IntelSGXRootCA.der",
        Route.ok(TestVectors.bytes("sgx/automata/common/intel_sgx_root_ca_crl.der"), Map.of()));
    return pcs;
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  URI url(String pathAndQuery) {
    return URI.create(baseUrl() + pathAndQuery);
  }

  void route(String pathAndQuery, Route route) {
    routes.put(pathAndQuery, route);
  }

  Route route(String pathAndQuery) {
    return routes.get(pathAndQuery);
  }

  int hits(String pathAndQuery) {
    AtomicInteger count = hits.get(pathAndQuery);
    return count == null ? 0 : count.get();
  }

  int totalHits() {
    return hits.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Stops answering: connections are refused from now on. */
  void stop() {
    server.stop(0);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    String key = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
    hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    Route route =
        routes.getOrDefault(key, new Route(404, new byte[0], Map.of(), Duration.ZERO, false));
    try {
      Thread.sleep(route.delay());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    route.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    long length = route.body().length == 0 ? -1 : route.chunked() ? 0 : route.body().length;
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(route.status(), length);
      out.write(route.body());
    } catch (IOException e) {
      // The client hung up (timeout or size limit tests); nothing to do.
    } finally {
      exchange.close();
    }
  }

  /** The PEM of DER certificate files, as PCS puts it in an issuer chain header. */
  static String pem(String... derFiles) {
    StringBuilder out = new StringBuilder();
    try {
      for (X509Certificate certificate : CollateralSets.chain(derFiles)) {
        out.append("-----BEGIN CERTIFICATE-----\n")
            .append(
                Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      }
    } catch (CollateralFormatException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /** Percent-encoding as Intel does it: {@code %20} for spaces, {@code %2B} for plus. */
  static String rfc3986(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static List<String> sgxPaths() {
    return List.of(
        "/sgx/certification/v4/tcb?fmspc=" + SGX_FMSPC,
        "/sgx/certification/v4/qe/identity",
        "/sgx/certification/v4/pckcrl?ca=platform&encoding=der",
        "/sgx/certification/v4/rootcacrl");
  }
}
