package dev.mse.attestation.quote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Parsed report fields under the names {@code EXPECTED.json} uses, so that a test can check every
 * field an entry lists and fail on a field it does not know instead of silently skipping it.
 */
final class ReportFields {
  private ReportFields() {}

  static Map<String, Object> of(EnclaveReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mrenclave", r.mrEnclave().hex());
    m.put("mrsigner", r.mrSigner().hex());
    m.put("isvprodid", r.isvProdId());
    m.put("isvsvn", r.isvSvn());
    m.put("attributes", r.attributes().hex());
    m.put("miscselect", r.miscSelect());
    m.put("cpusvn", r.cpuSvn().hex());
    m.put("reportdata", r.reportData().hex());
    return m;
  }

  static Map<String, Object> of(TdReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tee_tcb_svn", r.teeTcbSvn().hex());
    m.put("mrseam", r.mrSeam().hex());
    m.put("mrsignerseam", r.mrSignerSeam().hex());
    m.put("seam_attributes", r.seamAttributes().hex());
    m.put("td_attributes", r.tdAttributes().hex());
    m.put("xfam", r.xfam().hex());
    m.put("mrtd", r.mrTd().hex());
    m.put("mrconfigid", r.mrConfigId().hex());
    m.put("mrowner", r.mrOwner().hex());
    m.put("mrownerconfig", r.mrOwnerConfig().hex());
    for (int i = 0; i < r.rtmrs().size(); i++) {
      m.put("rtmr" + i, r.rtmrs().get(i).hex());
    }
    m.put("reportdata", r.reportData().hex());
    r.teeTcbSvn2().ifPresent(v -> m.put("tee_tcb_svn2", v.hex()));
    r.mrServiceTd().ifPresent(v -> m.put("mrservicetd", v.hex()));
    return m;
  }

  /** Every scalar field of {@code expected} equals the parsed one; nested objects are skipped. */
  static void assertMatches(JsonNode expected, Map<String, Object> actual) {
    for (String name : expected.propertyNames()) {
      JsonNode value = expected.get(name);
      if (value.isObject()) {
        continue;
      }
      assertThat(actual).as("parsed fields").containsKey(name);
      if (value.isNumber()) {
        assertThat(((Number) actual.get(name)).longValue()).as(name).isEqualTo(value.asLong());
      } else {
        assertThat(actual.get(name)).as(name).isEqualTo(value.asString());
      }
    }
  }
}
