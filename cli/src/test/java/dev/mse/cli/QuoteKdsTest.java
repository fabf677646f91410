package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mse.attestation.testing.TestVectors;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mse quote verify REPORT --kds URL} against a KDS stand-in on loopback that serves the real
 * VCEK of the virtee report (AMD's KDS cannot be reached from here) and has no CRL: the VCEK is
 * fetched by chip id and reported TCB, cached, and the result says revocation was not checked.
 */
class QuoteKdsTest {
  private static final String VCEK_PATH =
      "/vcek/v1/Milan/d49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf46603f2a76aef6a3abc15d7af38db757039029f0efacfd08e244324884738c72b082e2f87a44d541eb6";
  private HttpServer kds;
  private final AtomicInteger vcekRequests = new AtomicInteger();

  @AfterEach
  void stop() {
    if (kds != null) {
      kds.stop(0);
    }
    System.clearProperty("mse.conf.path");
  }

  @Test
  void fetchesTheVcekByChipIdAndReportedTcbAndCachesIt(@TempDir Path conf) throws Exception {
    System.setProperty("mse.conf.path", conf.toString());
    byte[] vcek = TestVectors.bytes("snp/virtee-sev/vcek_milan.der");
    kds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    kds.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          String query = ex.getRequestURI().getRawQuery();
          if (path.equals(VCEK_PATH) && "blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115".equals(query)) {
            vcekRequests.incrementAndGet();
            ex.sendResponseHeaders(200, vcek.length);
            ex.getResponseBody().write(vcek);
          } else {
            ex.sendResponseHeaders(404, -1);
          }
          ex.close();
        });
    kds.start();
    String[] args = {
      "quote",
      "verify",
      TestVectors.path("snp/virtee-sev/report_milan.hex").toString(),
      "--kds",
      "http://" + kds.getAddress().getAddress().getHostAddress() + ":" + kds.getAddress().getPort(),
      "--at",
      "2024-01-01T00:00:00Z",
      "--json"
    };

    CliRun first = CliRun.of(args);
    CliRun second = CliRun.of(args);

    assertThat(first.exitCode()).as(first.err()).isZero();
    JsonNode json = JsonMapper.builder().build().readTree(first.out());
    assertThat(json.get("tee").asString()).isEqualTo("SNP");
    assertThat(json.get("measurements").get("revocation").asString()).isEqualTo("not checked");
    assertThat(first.err()).contains("revocation not checked");
    assertThat(second.exitCode()).isZero();
    assertThat(vcekRequests.get()).isEqualTo(1);
  }
}
