package dev.mse.cli.quote;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.nitro.NitroDocument;
import dev.mse.attestation.nitro.NitroDocumentParser;
import dev.mse.attestation.nitro.NitroFormatException;
import dev.mse.attestation.snp.SnpFormatException;
import dev.mse.attestation.snp.SnpReport;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import tools.jackson.databind.node.ObjectNode;

/** Every field of an SEV-SNP report or a Nitro document as a JSON tree, for {@code quote show}. */
final class EvidenceDescription {
  private EvidenceDescription() {}

  static ObjectNode snp(QuoteFile file) {
    SnpReport r;
    try {
      r = SnpReportParser.parse(file.bytes());
    } catch (SnpFormatException e) {
      throw new UserError(file.path() + " is not a valid SEV-SNP report: " + e.getMessage(), e);
    }
    ObjectNode n = Json.object();
    n.put("tee_type", "SNP");
    n.put("version", r.version());
    n.put("guest_svn", r.guestSvn());
    n.put("policy", "0x" + Long.toHexString(r.policy()));
    n.put("debug", r.debug());
    n.put("migration_agent_allowed", r.migrationAgentAllowed());
    n.put("family_id", r.familyId().hex());
    n.put("image_id", r.imageId().hex());
    n.put("vmpl", r.vmpl());
    n.put("signature_algorithm", r.signatureAlgorithm());
    n.put("current_tcb", tcb(r.currentTcb()));
    n.put("platform_info", "0x" + Long.toHexString(r.platformInfo()));
    n.put(
        "signing_key",
        switch (r.signingKey()) {
          case SnpReport.SIGNING_KEY_VCEK -> "VCEK";
          case SnpReport.SIGNING_KEY_VLEK -> "VLEK";
          default -> "none (" + r.signingKey() + ")";
        });
    n.put("author_key_enabled", r.authorKeyEnabled());
    n.put("chip_key_masked", r.chipKeyMasked());
    n.put("report_data", r.reportData().hex());
    n.put("measurement", r.measurement().hex());
    n.put("host_data", r.hostData().hex());
    n.put("id_key_digest", r.idKeyDigest().hex());
    n.put("author_key_digest", r.authorKeyDigest().hex());
    n.put("report_id", r.reportId().hex());
    n.put("report_id_ma", r.reportIdMa().hex());
    n.put("reported_tcb", tcb(r.reportedTcb()));
    if (r.version() >= 3) {
      ObjectNode cpuid = n.putObject("cpuid");
      cpuid.put("family", String.format("0x%02x", r.cpuid().family()));
      cpuid.put("model", String.format("0x%02x", r.cpuid().model()));
      cpuid.put("stepping", r.cpuid().stepping());
    }
    n.put("chip_id", r.chipId().hex());
    n.put("committed_tcb", tcb(r.committedTcb()));
    n.put("current_firmware", r.current().toString());
    n.put("committed_firmware", r.committed().toString());
    n.put("launch_tcb", tcb(r.launchTcb()));
    n.put("signature", r.signature().hex());
    return n;
  }

  static ObjectNode nitro(QuoteFile file) {
    NitroDocument d;
    try {
      d = NitroDocumentParser.parse(file.bytes());
    } catch (NitroFormatException e) {
      throw new UserError(
          file.path() + " is not a valid Nitro attestation document: " + e.getMessage(), e);
    }
    ObjectNode n = Json.object();
    n.put("tee_type", "NITRO");
    n.put("module_id", d.moduleId());
    n.put("digest", d.digest());
    n.put("timestamp", d.timestamp().toString());
    n.put("debug", d.debug());
    ObjectNode pcrs = n.putObject("pcrs");
    d.pcrs().forEach((i, v) -> pcrs.put("pcr" + i, v.hex()));
    n.put("public_key", d.publicKey().map(ByteString::hex).orElse(null));
    n.put("user_data", d.userData().map(ByteString::hex).orElse(null));
    n.put("nonce", d.nonce().map(ByteString::hex).orElse(null));
    certificate(n.putObject("certificate"), d.certificate());
    var bundle = n.putArray("cabundle");
    for (ByteString der : d.caBundle()) {
      certificate(bundle.addObject(), der);
    }
    n.put("signature", d.signature().hex());
    return n;
  }

  private static void certificate(ObjectNode n, ByteString der) {
    try {
      X509Certificate c = X509Codec.certificate(der.toByteArray());
      n.put("subject", c.getSubjectX500Principal().getName());
      n.put("not_before", c.getNotBefore().toInstant().toString());
      n.put("not_after", c.getNotAfter().toInstant().toString());
      n.put("sha256", der.sha256().hex());
    } catch (CertificateException e) {
      n.put("error", "not a DER certificate");
    }
  }

  private static String tcb(long value) {
    return String.format("%016x", value);
  }
}
