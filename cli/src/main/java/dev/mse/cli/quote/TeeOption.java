package dev.mse.cli.quote;

import dev.mse.attestation.verify.EvidenceFormat;
import dev.mse.attestation.verify.TeeKind;
import java.util.Optional;

/** {@code --tee}: the kind of evidence, when detection is not wanted. */
enum TeeOption {
  SGX(EvidenceFormat.DCAP_QUOTE, TeeKind.SGX),
  TDX(EvidenceFormat.DCAP_QUOTE, TeeKind.TDX),
  SNP(EvidenceFormat.SNP_REPORT, TeeKind.SNP),
  NITRO(EvidenceFormat.NITRO_DOCUMENT, TeeKind.NITRO);

  final EvidenceFormat format;
  final TeeKind tee;

  TeeOption(EvidenceFormat format, TeeKind tee) {
    this.format = format;
    this.tee = tee;
  }

  /** The format to verify as: the one asked for, else the one detected. */
  static EvidenceFormat formatOf(QuoteFile file, Optional<TeeOption> asked) {
    return asked.map(t -> t.format).orElseGet(file::format);
  }
}
