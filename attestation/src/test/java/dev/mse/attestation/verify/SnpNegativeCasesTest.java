package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.testing.SnpVectors;
import dev.mse.attestation.testing.SnpVectors.Vector;
import dev.mse.attestation.testing.TestVectors;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The SEV-SNP mutations of NEGATIVE_CASES.json are rejected by the checks the vectors name. The two
 * cases that hand a verifier another AMD chain do not apply: the ASK, ASVK and ARK are pinned,
 * there is no chain to hand over (the VLEK-with-ASK case is {@link
 * SnpVectorsTest#aVlekReportIsNotAcceptedWithAVcekChainAndViceVersa}).
 */
class SnpNegativeCasesTest {
  private static final Map<String, Check> CHECKS =
      Map.of(
          "report_signature", Check.SNP_REPORT_SIGNATURE,
          "vek_issued_by_ask", Check.VEK_CHAIN,
          "reported_tcb_matches_vek", Check.VEK_TCB_MATCHES,
          "chip_id_matches_vek_hwid", Check.CHIP_ID_MATCHES);

  /** The Azure case mutates the HCL report, in which the SNP report starts at 0x20. */
  private static final String HCL = "snp/trustee/az-snp-vtpm/hcl-report.bin";

  static Stream<Named<JsonNode>> cases() {
    List<Named<JsonNode>> out = new ArrayList<>();
    for (JsonNode c : TestVectors.negativeCases().values()) {
      if ("snp".equals(c.path("tee").asString("")) && !c.get("mutation").has("chain")) {
        out.add(Named.of(c.get("case").asString(), c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mutationIsRejectedByTheNamedChecks(JsonNode c) throws Exception {
    JsonNode m = c.get("mutation");
    Vector v = vectorFor(c);
    byte[] report = v.report().clone();
    X509Certificate vek = v.vek();
    if (m.has("vek")) {
      vek = X509Codec.certificate(TestVectors.bytes(m.get("vek").asString()));
    }
    if (m.has("offset")) {
      String file = m.get("file").asString();
      int offset = m.get("offset").asInt();
      if (file.endsWith(".der")) {
        byte[] der = TestVectors.bytes(file);
        der[offset] = mutate(der[offset], m);
        try {
          vek = X509Codec.certificate(der);
        } catch (CertificateException unreadable) {
          return; // a key that cannot be read is refused before verification starts
        }
      } else {
        int at = file.equals(HCL) ? offset - 0x20 : offset;
        report[at] = mutate(report[at], m);
      }
    }

    Appraisal a =
        SnpVerifier.verify(
            report,
            new SnpEndorsements(vek, Optional.empty()),
            PolicyParser.parse("[snp]\nallow_debug = true\n"),
            v.at(),
            Optional.empty());

    List<Check> expected = new ArrayList<>();
    c.get("observed")
        .get("failing_checks")
        .values()
        .forEach(n -> expected.add(CHECKS.get(n.asString())));
    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons()).extracting(Reason::check).containsAll(expected);
  }

  private static byte mutate(byte b, JsonNode m) {
    if (m.has("set_to")) {
      return (byte) m.get("set_to").asInt();
    }
    String op = m.get("op").asString();
    if (op.equals("+=1")) {
      return (byte) (b + 1);
    }
    return (byte) (b ^ Integer.decode(op.substring(2)));
  }

  private static Vector vectorFor(JsonNode c) {
    JsonNode m = c.get("mutation");
    String file = m.has("file") ? m.get("file").asString().replace(" (after hex decode)", "") : "";
    String caseName = c.get("case").asString();
    return SnpVectors.all().stream()
        .filter(
            v ->
                v.id().equals(file)
                    || v.expected().get("vek_file").asString().equals(file)
                    || (file.equals(HCL) && v.id().endsWith("snp_report_from_hcl-report.bin"))
                    || (!m.has("file")
                        && caseName.contains("go-sev-guest report")
                        && v.id().contains("go-sev-guest"))
                    || (!m.has("file")
                        && caseName.startsWith("trustee test-vcek-invalid")
                        && v.id().equals("snp/trustee/test-report.bin")))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no vector for " + caseName));
  }
}
