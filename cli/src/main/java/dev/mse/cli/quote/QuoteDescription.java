package dev.mse.cli.quote;

import dev.mse.attestation.pck.PckExtensionException;
import dev.mse.attestation.pck.PckExtensionParser;
import dev.mse.attestation.pck.PckExtensions;
import dev.mse.attestation.quote.EnclaveReport;
import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.QuoteCertificates;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteHeader;
import dev.mse.attestation.quote.TdReport;
import dev.mse.cli.Json;
import java.security.cert.X509Certificate;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** Every field of a quote as a JSON tree, the one source of both `show` outputs. */
final class QuoteDescription {
  private QuoteDescription() {}

  static ObjectNode of(Quote quote, int inputLength) {
    ObjectNode root = Json.object();
    QuoteHeader h = quote.header();
    root.put("version", h.version());
    root.put("tee_type", quote.isTdx() ? "TDX" : "SGX");
    root.put("length", quote.length());
    root.put("trailing_bytes", inputLength - quote.length());
    ObjectNode header = root.putObject("header");
    header.put("attestation_key_type", h.attestationKeyType());
    header.put("tee_type", String.format("0x%02x", h.teeType()));
    header.put("qe_svn", h.qeSvn());
    header.put("pce_svn", h.pceSvn());
    header.put("qe_vendor_id", h.qeVendorId().hex());
    header.put("user_data", h.userData().hex());
    switch (quote.body()) {
      case EnclaveReport r -> enclaveReport(root.putObject("report"), r);
      case TdReport r -> tdReport(root.putObject("report"), r);
    }
    var sig = quote.signatureData();
    ObjectNode s = root.putObject("signature_data");
    s.put("signature", sig.signature().hex());
    s.put("attestation_key", sig.attestationKey().hex());
    enclaveReport(s.putObject("qe_report"), sig.qeReport());
    s.put("qe_report_signature", sig.qeReportSignature().hex());
    s.put("qe_auth_data", sig.qeAuthData().hex());
    s.put("outer_certification_data_type", sig.outerCertificationType());
    s.put("certification_data_type", sig.certification().type());
    pck(root.putObject("pck_certificate"), quote);
    return root;
  }

  private static void enclaveReport(ObjectNode n, EnclaveReport r) {
    n.put("cpu_svn", r.cpuSvn().hex());
    n.put("misc_select", r.miscSelect());
    n.put("attributes", r.attributes().hex());
    n.put("debug", r.debug());
    n.put("mrenclave", r.mrEnclave().hex());
    n.put("mrsigner", r.mrSigner().hex());
    n.put("isv_prod_id", r.isvProdId());
    n.put("isv_svn", r.isvSvn());
    n.put("report_data", r.reportData().hex());
  }

  private static void tdReport(ObjectNode n, TdReport r) {
    n.put("td_report_version", r.version() == TdReport.Version.TD_1_5 ? "1.5" : "1.0");
    n.put("tee_tcb_svn", r.teeTcbSvn().hex());
    r.teeTcbSvn2().ifPresent(v -> n.put("tee_tcb_svn2", v.hex()));
    n.put("mrseam", r.mrSeam().hex());
    n.put("mrsignerseam", r.mrSignerSeam().hex());
    n.put("seam_attributes", r.seamAttributes().hex());
    n.put("td_attributes", r.tdAttributes().hex());
    n.put("debug", r.debug());
    n.put("sept_ve_disable", r.septVeDisable());
    n.put("xfam", r.xfam().hex());
    n.put("mrtd", r.mrTd().hex());
    n.put("mrconfigid", r.mrConfigId().hex());
    n.put("mrowner", r.mrOwner().hex());
    n.put("mrownerconfig", r.mrOwnerConfig().hex());
    for (int i = 0; i < r.rtmrs().size(); i++) {
      n.put("rtmr" + i, r.rtmrs().get(i).hex());
    }
    r.mrServiceTd().ifPresent(v -> n.put("mrservicetd", v.hex()));
    n.put("report_data", r.reportData().hex());
  }

  private static void pck(ObjectNode n, Quote quote) {
    List<X509Certificate> chain;
    try {
      chain = QuoteCertificates.pckChain(quote);
    } catch (QuoteFormatException e) {
      n.put("error", e.getMessage());
      return;
    }
    X509Certificate leaf = chain.getFirst();
    n.put("subject", leaf.getSubjectX500Principal().getName());
    n.put("issuer", leaf.getIssuerX500Principal().getName());
    n.put("serial", leaf.getSerialNumber().toString(16));
    n.put("not_before", leaf.getNotBefore().toInstant().toString());
    n.put("not_after", leaf.getNotAfter().toInstant().toString());
    n.put("chain_length", chain.size());
    try {
      PckExtensions ext = PckExtensionParser.parse(leaf);
      n.put("fmspc", ext.fmspc().hex());
      n.put("pce_id", ext.pceId().hex());
      n.put("pce_svn", ext.pceSvn());
      n.put("cpu_svn", ext.cpuSvn().hex());
      var comps = n.putArray("tcb_components");
      ext.tcbComponents().forEach(comps::add);
      n.put("sgx_type", ext.sgxType());
      n.put("ppid", ext.ppid().hex());
    } catch (PckExtensionException e) {
      n.put("extensions_error", e.getMessage());
    }
  }
}
