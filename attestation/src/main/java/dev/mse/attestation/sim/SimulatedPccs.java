package dev.mse.attestation.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.SignedJson;
import dev.mse.attestation.collateral.TcbStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PCCS for the simulated TEE: the subset of Intel's PCS v4 API that {@code PcsClient} uses, over
 * plain HTTP, serving collateral for a {@link SimulatedPlatform} signed under the mse simulation
 * root (TCB Info and QE Identity by the simulation TCB signing key, the PCK CRL by the simulation
 * PCK CA), each issued when asked and valid for a configurable window. With it, the simulated TEE
 * takes the road of real hardware: the runtime and every verifier fetch and cache its collateral
 * exactly as they do Intel's, and tests can make it revoke the platform's PCK certificate, serve an
 * OutOfDate TCB, or go away.
 *
 * <p>Endpoints: {@code GET /sgx/certification/v4/tcb?fmspc=…} ({@code TCB-Info-Issuer-Chain}),
 * {@code /sgx/certification/v4/qe/identity} ({@code SGX-Enclave-Identity-Issuer-Chain}), {@code
 * /sgx/certification/v4/pckcrl?ca=processor|platform[&encoding=der]} ({@code
 * SGX-PCK-CRL-Issuer-Chain}; hex unless DER is asked for, as PCS does), {@code
 * /sgx/certification/v4/rootcacrl} (hex, as a PCCS does). Anything else is 404; the simulated
 * platform is SGX, so TDX paths are 404 too.
 */
public final class SimulatedPccs implements AutoCloseable {
  /** How long served collateral stays valid unless told otherwise: Intel's usual 30 days. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

  private static final String BASE = "/sgx/certification/v4/";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final SimulatedPlatform platform;
  private final SimulationPki pki;
  private final Clock clock;
  private final Duration validity;
  private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger served = new AtomicInteger();
  private volatile TcbStatus tcbStatus = TcbStatus.UP_TO_DATE;

  private SimulatedPccs(
      InetSocketAddress listen, SimulatedPlatform platform, Clock clock, Duration validity)
      throws IOException {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("the validity window must be positive");
    }
    this.platform = platform;
    this.pki = new SimulationPki(platform);
    this.clock = clock;
    this.validity = validity;
    this.server = HttpServer.create(listen, 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Serves the standard simulated platform on {@code listen} (port 0: any free port). */
  public static SimulatedPccs start(InetSocketAddress listen, Clock clock, Duration validity)
      throws IOException {
    return new SimulatedPccs(listen, SimulatedPlatform.standard(), clock, validity);
  }

  public static SimulatedPccs start(
      InetSocketAddress listen, SimulatedPlatform platform, Clock clock, Duration validity)
      throws IOException {
    return new SimulatedPccs(listen, platform, clock, validity);
  }

  /** The base URL to give a PCS client, e.g. {@code http://127.0.0.1:8081}. */
  public URI url() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort());
  }

  /**
   * From now on the PCK CRL lists the platform's PCK certificate, as Intel's does for a platform
   * whose key was compromised. Returns its serial number.
   */
  public BigInteger revokePck() {
    BigInteger serial = pckSerial(platform);
    revoked.add(serial);
    return serial;
  }

  /** The serial number of the PCK certificate every simulated TEE of {@code platform} uses. */
  public static BigInteger pckSerial(SimulatedPlatform platform) {
    return new SimulationPki(platform).pckLeaf.getSerialNumber();
  }

  /** From now on the platform's TCB level has {@code status} (under a newer UpToDate level). */
  public void serveTcbStatus(TcbStatus status) {
    this.tcbStatus = status;
  }

  /** How many requests got collateral (a 200) so far. */
  public int served() {
    return served.get();
  }

  /** Stops serving: connections are refused from now on, as when a PCCS goes down. */
  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, "text/plain", bytes("only GET\n"), Map.of());
        return;
      }
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      if (!path.startsWith(BASE)) {
        send(exchange, 404, "text/plain", bytes("not found\n"), Map.of());
        return;
      }
      Collateral c =
          SimulatedCollateral.issue(
              pki,
              platform,
              clock.instant().truncatedTo(ChronoUnit.SECONDS),
              validity,
              tcbStatus,
              Set.copyOf(revoked));
      switch (path.substring(BASE.length())) {
        case "tcb" -> {
          String fmspc = query.getOrDefault("fmspc", "");
          if (!fmspc.toLowerCase(Locale.ROOT).equals(platform.fmspc().hex())) {
            send(exchange, 404, "text/plain", bytes("no TCB Info for FMSPC " + fmspc), Map.of());
            return;
          }
          ok(
              exchange,
              signed("tcbInfo", c.tcbInfo()),
              "TCB-Info-Issuer-Chain",
              c.tcbInfoIssuerChain());
        }
        case "qe/identity" ->
            ok(
                exchange,
                signed("enclaveIdentity", c.qeIdentity()),
                "SGX-Enclave-Identity-Issuer-Chain",
                c.qeIdentityIssuerChain());
        case "pckcrl" -> {
          String ca = query.getOrDefault("ca", "");
          if (!ca.equals("processor") && !ca.equals("platform")) {
            send(
                exchange, 400, "text/plain", bytes("ca must be processor or platform\n"), Map.of());
            return;
          }
          boolean der = query.getOrDefault("encoding", "").equals("der");
          served.incrementAndGet();
          send(
              exchange,
              200,
              "application/x-pem-file",
              crl(c.pckCrl(), der),
              Map.of("SGX-PCK-CRL-Issuer-Chain", issuerChain(c.pckCrlIssuerChain())));
        }
        case "rootcacrl" -> {
          served.incrementAndGet();
          send(exchange, 200, "application/x-pem-file", crl(c.rootCaCrl(), false), Map.of());
        }
        default -> send(exchange, 404, "text/plain", bytes("not found\n"), Map.of());
      }
    }
  }

  private void ok(
      HttpExchange exchange, byte[] body, String chainHeader, List<X509Certificate> chain)
      throws IOException {
    served.incrementAndGet();
    send(exchange, 200, "application/json", body, Map.of(chainHeader, issuerChain(chain)));
  }

  /** A PCS response: the signed bytes exactly as signed, and the signature in hex. */
  private static byte[] signed(String field, SignedJson json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes("{\"" + field + "\":"));
    out.writeBytes(json.body().toByteArray());
    out.writeBytes(bytes(",\"signature\":\"" + json.signature().hex() + "\"}"));
    return out.toByteArray();
  }

  private static byte[] crl(X509CRL crl, boolean der) {
    try {
      byte[] encoded = crl.getEncoded();
      return der ? encoded : bytes(HexFormat.of().formatHex(encoded));
    } catch (CRLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM, percent-encoded as Intel does (RFC 3986: spaces as %20). */
  private static String issuerChain(List<X509Certificate> chain) {
    String pem = new String(SimulatedTee.pemChain(chain), StandardCharsets.US_ASCII);
    return URLEncoder.encode(pem, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return out;
  }

  private static void send(
      HttpExchange exchange, int status, String type, byte[] body, Map<String, String> headers)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
