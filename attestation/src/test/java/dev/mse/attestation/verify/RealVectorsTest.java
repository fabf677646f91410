package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.testing.DcapVectors.Vector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every real SGX and TDX vector gives the status, advisories and fields of EXPECTED.json. */
class RealVectorsTest {
  private final QuoteVerifier verifier = QuoteVerifier.full();

  static Stream<Vector> vectors() {
    return DcapVectors.all().stream();
  }

  static Stream<Vector> timeConsistentVectors() {
    return vectors().filter(Vector::timeConsistent);
  }

  /** Intel QVL's status as EXPECTED.json writes it, in our names. */
  static TcbStatus expectedStatus(Vector v) {
    String s = v.expected().get("intel_qvl_status").asString();
    return s.startsWith("TCB_NOT_SUPPORTED")
        ? TcbStatus.TCB_NOT_SUPPORTED
        : TcbStatus.fromIntelName(s).orElseThrow();
  }

  /** The advisories of the levels Intel's QVL matched (TDX: TDX level and module). */
  static List<String> expectedAdvisories(Vector v) {
    JsonNode detail = v.expected().get("intel_qvl_detail");
    Set<String> out = new LinkedHashSet<>();
    JsonNode platform = detail.has("tdx_level") ? detail.get("tdx_level") : detail.get("sgx_level");
    if (platform != null) {
      platform.get("advisoryIDs").values().forEach(a -> out.add(a.asString()));
    }
    if (detail.has("tdx_module")) {
      detail.get("tdx_module").get("advisoryIDs").values().forEach(a -> out.add(a.asString()));
    }
    return List.copyOf(out);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timeConsistentVectors")
  void givesIntelsStatusAndAdvisoriesAtTheStatedTime(Vector v) {
    Appraisal a = verifier.verify(v.quote(), v.collateral(), Policies.evidenceOnly(), v.at());

    TcbStatus expected = expectedStatus(v);
    assertThat(a.tcbStatus()).contains(expected);
    assertThat(a.advisoryIds()).containsExactlyElementsOf(expectedAdvisories(v));
    assertThat(a.tee()).isEqualTo(v.quoteFile().startsWith("tdx/") ? TeeKind.TDX : TeeKind.SGX);
    if (expected == TcbStatus.TCB_NOT_SUPPORTED) {
      assertThat(a.reasons()).extracting(Reason::check).containsOnly(Check.TCB_LEVEL);
    } else {
      assertThat(a.reasons()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timeConsistentVectors")
  void defaultPolicyAcceptsOnlyUpToDateNonDebugTeesWithSeptVeDisable(Vector v) {
    Appraisal a = verifier.verify(v.quote(), v.collateral(), AppraisalPolicy.defaults(), v.at());

    JsonNode report = v.expected().get("report");
    List<Check> expectedFailures = new ArrayList<>();
    TcbStatus status = expectedStatus(v);
    if (status == TcbStatus.TCB_NOT_SUPPORTED) {
      expectedFailures.add(Check.TCB_LEVEL);
    } else if (status != TcbStatus.UP_TO_DATE && status != TcbStatus.SW_HARDENING_NEEDED) {
      expectedFailures.add(Check.TCB_STATUS);
    }
    if (report.has("attribute_flags") && report.get("attribute_flags").get("DEBUG").asBoolean()) {
      expectedFailures.add(Check.DEBUG);
    }
    if (report.has("td_attributes")) {
      long attrs = Long.parseLong(report.get("td_attributes").asString().substring(0, 2), 16);
      if ((attrs & 1) != 0) {
        expectedFailures.add(Check.DEBUG);
      }
      int byte3 = Integer.parseInt(report.get("td_attributes").asString().substring(6, 8), 16);
      if ((byte3 & 0x10) == 0) {
        expectedFailures.add(Check.SEPT_VE_DISABLE);
      }
    }
    assertThat(a.reasons())
        .extracting(Reason::check)
        .containsExactlyInAnyOrderElementsOf(expectedFailures);
    assertThat(a.accepted()).isEqualTo(expectedFailures.isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void reportsTheQuotesMeasurements(Vector v) {
    Appraisal a = verifier.verify(v.quote(), v.collateral(), Policies.evidenceOnly(), v.at());
    JsonNode report = v.expected().get("report");
    if (v.quoteFile().startsWith("sgx/")) {
      assertThat(a.measurements()).containsEntry("mrenclave", report.get("mrenclave").asString());
      assertThat(a.measurements()).containsEntry("mrsigner", report.get("mrsigner").asString());
    } else {
      assertThat(a.measurements()).containsEntry("mrtd", report.get("mrtd").asString());
    }
    assertThat(a.reportData().orElseThrow().hex())
        .isEqualTo(
            report.has("reportdata")
                ? report.get("reportdata").asString()
                : report.get("report_data").asString());
  }

  @org.junit.jupiter.api.Test
  void v5SampleWithTimeInconsistentCollateralMatchesItsTcbLevelButFailsOnlyOnTime() {
    Vector v =
        DcapVectors.byId("tdx/go-tdx-guest/quote_v5_sample.dat (+sample_tcbinfo_response_v5)");
    Appraisal a = verifier.verify(v.quote(), v.collateral(), Policies.evidenceOnly(), v.at());
    assertThat(a.reasons())
        .extracting(Reason::check)
        .allMatch(c -> c.name().endsWith("_VALIDITY"), "only validity windows fail");
  }
}
