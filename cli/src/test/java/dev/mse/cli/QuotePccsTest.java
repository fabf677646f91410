package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mse.attestation.testing.TestVectors;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mse quote verify --pccs URL} against a PCCS stand-in on loopback serving Intel's real
 * collateral, and the on-disk cache that keeps verification working when the server is down.
 */
class QuotePccsTest {
  private static final String QUOTE = "tdx/automata/quote_v4_fmspc00806f050000.bin";
  private HttpServer pccs;
  private final AtomicInteger requests = new AtomicInteger();

  private static String pem(String... derFiles) {
    StringBuilder sb = new StringBuilder();
    for (String f : derFiles) {
      sb.append("-----BEGIN CERTIFICATE-----\n")
          .append(
              Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(TestVectors.bytes(f)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return URLEncoder.encode(sb.toString(), StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void startPccs() throws Exception {
    String signing =
        pem("tdx/automata/common/intel_sgx_tcb_signing.der", "roots/intel/Intel_SGX_Root_CA.der");
    String platform =
        pem(
            "sgx/automata/common/intel_sgx_pck_platform_ca.der",
            "roots/intel/Intel_SGX_Root_CA.der");
    Map<String, byte[]> bodies =
        Map.of(
            "/sgx/certification/v4/tcb", new byte[0],
            "/tdx/certification/v4/tcb",
                TestVectors.bytes("tdx/automata/0625/tcbinfov3_00806f050000.json"),
            "/tdx/certification/v4/qe/identity", TestVectors.bytes("tdx/automata/0625/qe_td.json"),
            "/sgx/certification/v4/pckcrl", TestVectors.bytes("tdx/automata/0625/platform_crl.der"),
            "/sgx/certification/v4/rootcacrl",
                HexFormat.of()
                    .formatHex(TestVectors.bytes("sgx/automata/common/intel_sgx_root_ca_crl.der"))
                    .getBytes(StandardCharsets.US_ASCII));
    Map<String, Map<String, String>> headers =
        Map.of(
            "/tdx/certification/v4/tcb", Map.of("TCB-Info-Issuer-Chain", signing),
            "/tdx/certification/v4/qe/identity",
                Map.of("SGX-Enclave-Identity-Issuer-Chain", signing),
            "/sgx/certification/v4/pckcrl", Map.of("SGX-PCK-CRL-Issuer-Chain", platform));
    pccs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pccs.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          byte[] body = bodies.get(ex.getRequestURI().getPath());
          if (body == null || body.length == 0) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
          }
          headers
              .getOrDefault(ex.getRequestURI().getPath(), Map.of())
              .forEach((k, v) -> ex.getResponseHeaders().add(k, v));
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    pccs.start();
  }

  @AfterEach
  void stop() {
    if (pccs != null) {
      pccs.stop(0);
    }
    System.clearProperty("mse.conf.path");
  }

  @Test
  void fetchesCollateralFromAPccsAndFallsBackToTheCacheWhenItIsDown(@TempDir Path conf)
      throws Exception {
    System.setProperty("mse.conf.path", conf.toString());
    startPccs();
    String url = "http://127.0.0.1:" + pccs.getAddress().getPort();
    String[] args = {
      "quote",
      "verify",
      TestVectors.path(QUOTE).toString(),
      "--pccs",
      url,
      "--at",
      "1749095100",
      "--json"
    };

    CliRun first = CliRun.of(args);
    assertThat(first.exitCode()).as(first.err()).isEqualTo(1);
    assertThat(JsonMapper.builder().build().readTree(first.out()).get("tcb_status").asString())
        .isEqualTo("OutOfDate");
    assertThat(requests.get()).isPositive();

    pccs.stop(0);
    pccs = null;
    CliRun offline = CliRun.of(args);
    assertThat(JsonMapper.builder().build().readTree(offline.out()).get("tcb_status").asString())
        .isEqualTo("OutOfDate");
    assertThat(offline.err()).contains("warning").contains("cached");
  }
}
