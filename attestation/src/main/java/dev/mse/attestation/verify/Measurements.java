package dev.mse.attestation.verify;

import dev.mse.attestation.quote.EnclaveReport;
import dev.mse.attestation.quote.ReportBody;
import dev.mse.attestation.quote.TdReport;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/** The named measurements of a report body, in the order people read them. */
final class Measurements {
  private Measurements() {}

  static SequencedMap<String, String> of(ReportBody body) {
    SequencedMap<String, String> m = new LinkedHashMap<>();
    switch (body) {
      case EnclaveReport r -> {
        m.put("mrenclave", r.mrEnclave().hex());
        m.put("mrsigner", r.mrSigner().hex());
        m.put("isv_prod_id", Integer.toString(r.isvProdId()));
        m.put("isv_svn", Integer.toString(r.isvSvn()));
        m.put("attributes", r.attributes().hex());
        m.put("misc_select", Long.toString(r.miscSelect()));
        m.put("cpu_svn", r.cpuSvn().hex());
      }
      case TdReport r -> {
        m.put("mrtd", r.mrTd().hex());
        for (int i = 0; i < r.rtmrs().size(); i++) {
          m.put("rtmr" + i, r.rtmrs().get(i).hex());
        }
        m.put("mrseam", r.mrSeam().hex());
        m.put("mrsignerseam", r.mrSignerSeam().hex());
        m.put("mrconfigid", r.mrConfigId().hex());
        m.put("mrowner", r.mrOwner().hex());
        m.put("mrownerconfig", r.mrOwnerConfig().hex());
        m.put("td_attributes", r.tdAttributes().hex());
        m.put("xfam", r.xfam().hex());
        m.put("tee_tcb_svn", r.teeTcbSvn().hex());
        r.teeTcbSvn2().ifPresent(v -> m.put("tee_tcb_svn2", v.hex()));
        r.mrServiceTd().ifPresent(v -> m.put("mrservicetd", v.hex()));
      }
    }
    return m;
  }
}
