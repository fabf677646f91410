package dev.mse.attestation.verify;

import dev.mse.attestation.nitro.NitroDocumentParser;
import dev.mse.attestation.snp.SnpReportParser;
import java.util.Optional;

/**
 * The kinds of evidence mse verifies, told apart by their first bytes alone (a guess that decides
 * which verifier runs, never a verdict): an Intel DCAP quote starts with its version (3, 4 or 5)
 * and attestation key type 2 as little-endian u16s; an SEV-SNP report is 1184 bytes starting with
 * version 2 or 3 as a little-endian u32; a Nitro document is a COSE_Sign1 array whose protected
 * header is {@code {1: -35}}. No input can match two of these.
 */
public enum EvidenceFormat {
  /** An Intel SGX or TDX quote. */
  DCAP_QUOTE,
  /** A raw AMD SEV-SNP attestation report. */
  SNP_REPORT,
  /** An AWS Nitro Enclaves attestation document. */
  NITRO_DOCUMENT;

  public static Optional<EvidenceFormat> detect(byte[] evidence) {
    if (NitroDocumentParser.looksLikeNitro(evidence)) {
      return Optional.of(NITRO_DOCUMENT);
    }
    if (SnpReportParser.looksLikeSnp(evidence)) {
      return Optional.of(SNP_REPORT);
    }
    if (evidence.length >= 4) {
      int version = (evidence[0] & 0xff) | (evidence[1] & 0xff) << 8;
      int keyType = (evidence[2] & 0xff) | (evidence[3] & 0xff) << 8;
      if (version >= 3 && version <= 5 && keyType == 2) {
        return Optional.of(DCAP_QUOTE);
      }
    }
    return Optional.empty();
  }
}
