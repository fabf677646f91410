package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.collateral.FakePcs.Route;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.snp.SnpReport;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.attestation.snp.SnpTcb;
import dev.mse.attestation.testing.TestVectors;
import dev.mse.attestation.trust.AmdRoots.Product;
import dev.mse.attestation.verify.SnpEndorsements;
import dev.mse.attestation.verify.SnpVerifier;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KDS client against a local stand-in serving the real VCEK of the virtee report: the same
 * cache semantics as the PCS client (fresh from disk, stale when the server fails, wrong answers
 * never stored). AMD's KDS itself cannot be reached from here.
 */
class KdsClientTest {
  private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
  private final byte[] reportBytes = report();
  private final SnpReport report = parse(reportBytes);
  private final SnpTcb tcb = SnpTcb.decode(report.reportedTcb(), false);
  private final String vcekPath =
      "/vcek/v1/Milan/"
          + report.chipId().hex()
          + "?blSPL="
          + tcb.bootloader()
          + "&teeSPL="
          + tcb.tee()
          + "&snpSPL="
          + tcb.snp()
          + "&ucodeSPL="
          + tcb.microcode();

  private static byte[] report() {
    try {
      return dev.mse.attestation.quote.QuoteInput.decode(
          TestVectors.bytes("snp/virtee-sev/report_milan.hex"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SnpReport parse(byte[] bytes) {
    try {
      return SnpReportParser.parse(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void fetchesTheVcekOnceAndItVerifiesTheReport(@TempDir Path dir) throws Exception {
    try (FakePcs kds = new FakePcs()) {
      kds.route(vcekPath, Route.ok(TestVectors.bytes("snp/virtee-sev/vcek_milan.der"), Map.of()));
      var cache = new CollateralCache(dir, new MutableClock(NOW));
      try (KdsClient client = KdsClient.builder(cache).baseUrl(kds.baseUrl()).build()) {
        var first = client.vcek(Product.MILAN, report.chipId(), tcb);
        var second = client.vcek(Product.MILAN, report.chipId(), tcb);

        assertThat(second.getEncoded()).isEqualTo(first.getEncoded());
        assertThat(kds.hits(vcekPath)).isEqualTo(1);
        assertThat(
                SnpVerifier.verify(
                        reportBytes,
                        new SnpEndorsements(first, Optional.empty()),
                        AppraisalPolicy.defaults(),
                        NOW,
                        Optional.empty())
                    .accepted())
            .isTrue();
      }
    }
  }

  @Test
  void aVcekForAnotherChipIsRefusedAndNotStored(@TempDir Path dir) throws Exception {
    try (FakePcs kds = new FakePcs()) {
      kds.route(vcekPath, Route.ok(TestVectors.bytes("snp/go-sev-guest/vcek.der"), Map.of()));
      var cache = new CollateralCache(dir, new MutableClock(NOW));
      try (KdsClient client = KdsClient.builder(cache).baseUrl(kds.baseUrl()).build()) {
        for (int i = 0; i < 2; i++) {
          assertThatThrownBy(() -> client.vcek(Product.MILAN, report.chipId(), tcb))
              .isInstanceOf(PcsException.class)
              .hasMessageContaining("another chip or TCB");
        }
        assertThat(kds.hits(vcekPath)).isEqualTo(2);
      }
    }
  }

  @Test
  void aStaleCrlIsServedWhenKdsIsDownAndTheListenerIsTold(@TempDir Path dir) throws Exception {
    MutableClock clock = new MutableClock(NOW);
    List<java.net.URI> stale = new ArrayList<>();
    var cache = new CollateralCache(dir, clock);
    try (FakePcs kds = new FakePcs();
        KdsClient client =
            KdsClient.builder(cache)
                .baseUrl(kds.baseUrl())
                .requestTimeout(Duration.ofSeconds(5))
                .staleListener((url, nextUpdate, failure) -> stale.add(url))
                .build()) {
      kds.route("/vcek/v1/Milan/crl", Route.ok(crl(NOW, NOW.plus(Duration.ofHours(1))), Map.of()));
      X509CRL fetched = client.crl(Product.MILAN);
      kds.stop();
      clock.advance(Duration.ofHours(2));
      X509CRL served = client.crl(Product.MILAN);

      assertThat(served.getEncoded()).isEqualTo(fetched.getEncoded());
      assertThat(stale).containsExactly(kds.url("/vcek/v1/Milan/crl"));
    }
  }

  @Test
  void certChainIsTheAskAndArk(@TempDir Path dir) throws Exception {
    try (FakePcs kds = new FakePcs()) {
      kds.route(
          "/vcek/v1/Milan/cert_chain",
          Route.ok(TestVectors.bytes("roots/amd/ask_ark_milan.pem"), Map.of()));
      var cache = new CollateralCache(dir, new MutableClock(NOW));
      try (KdsClient client = KdsClient.builder(cache).baseUrl(kds.baseUrl()).build()) {
        var chain = client.certChain(Product.MILAN, false);
        assertThat(chain.get(0)).isEqualTo(Product.MILAN.ask());
        assertThat(chain.get(1)).isEqualTo(Product.MILAN.ark());
      }
    }
  }

  /** A CRL in the ARK's name (not signed by it: AMD's key is not ours); enough to test caching. */
  private static byte[] crl(Instant thisUpdate, Instant nextUpdate) throws Exception {
    var keys = KeyPairGenerator.getInstance("RSA");
    keys.initialize(2048);
    var builder =
        new X509v2CRLBuilder(
            X500Name.getInstance(Product.MILAN.ark().getSubjectX500Principal().getEncoded()),
            Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    return new JcaX509CRLConverter()
        .getCRL(
            builder.build(
                new JcaContentSignerBuilder("SHA384withRSA")
                    .build(keys.generateKeyPair().getPrivate())))
        .getEncoded();
  }
}
