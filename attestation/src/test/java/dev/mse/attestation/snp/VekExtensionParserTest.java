package dev.mse.attestation.snp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.crypto.CertificateSignatures;
import dev.mse.attestation.testing.SnpVectors;
import dev.mse.attestation.testing.SnpVectors.Vector;
import dev.mse.attestation.testing.TestVectors;
import dev.mse.attestation.trust.AmdRoots;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class VekExtensionParserTest {
  static Stream<Vector> vectors() {
    return SnpVectors.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void readsTheExtensionsOfEXPECTEDJson(Vector v) throws Exception {
    VekExtensions e = VekExtensionParser.parse(v.vek());
    JsonNode x = v.expected().get("vek_ext");

    assertThat(e.productName()).isEqualTo(x.get("2").asString());
    assertThat(e.bootloader()).isEqualTo(x.get("3.1").asInt());
    assertThat(e.tee()).isEqualTo(x.get("3.2").asInt());
    assertThat(e.snp()).isEqualTo(x.get("3.3").asInt());
    assertThat(e.microcode()).isEqualTo(x.get("3.8").asInt());
    if (x.has("4")) {
      assertThat(e.hwId()).contains(ByteString.fromHex(x.get("4").asString()));
    } else {
      assertThat(e.hwId()).isEmpty();
      assertThat(e.cspId()).contains("CN=cc-us-east-2.amazonaws.com");
    }
  }

  @Test
  void turinVcekHasAnEightByteHwIdAnFmcAndChainsToThePinnedTurinAsk() throws Exception {
    var vcek = X509Codec.certificate(TestVectors.bytes("snp/virtee-sev/vcek_turin.der"));
    VekExtensions e = VekExtensionParser.parse(vcek);

    assertThat(e.productName()).isEqualTo("Turin");
    assertThat(e.hwId()).hasValueSatisfying(id -> assertThat(id.size()).isEqualTo(8));
    assertThat(e.fmc()).isPresent();
    assertThat(AmdRoots.issuerOf(vcek, false)).contains(AmdRoots.Product.TURIN);
    assertThat(CertificateSignatures.issuedBy(vcek, AmdRoots.Product.TURIN.ask())).isTrue();
    assertThat(CertificateSignatures.issuedBy(vcek, AmdRoots.Product.MILAN.ask())).isFalse();
  }

  @Test
  void turinTcbIsLaidOutDifferently() {
    // Little-endian bytes 05 02 03 04 00 00 06 01 (Linux's
    // sev_snp_tcb_version_{genoa_milan,turin}).
    long raw = 0x0106000004030205L;
    assertThat(SnpTcb.decode(raw, false)).isEqualTo(new SnpTcb(5, 2, 6, 1, 0));
    assertThat(SnpTcb.decode(raw, true)).isEqualTo(new SnpTcb(2, 3, 4, 1, 5));
  }
}
