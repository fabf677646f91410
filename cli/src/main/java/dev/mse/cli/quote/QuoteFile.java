package dev.mse.cli.quote;

import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteInput;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.verify.EvidenceFormat;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An evidence file given on the command line (binary, hex or base64): an SGX or TDX quote, a raw
 * SEV-SNP report or a Nitro attestation document.
 */
record QuoteFile(Path path, byte[] bytes, Optional<EvidenceFormat> detected) {
  static final String NOT_EVIDENCE =
      "not a quote or attestation report (expected an SGX or TDX quote, a raw SEV-SNP report or an"
          + " AWS Nitro attestation document)";

  static QuoteFile read(Path path) {
    byte[] bytes;
    try {
      bytes = QuoteInput.decode(UserFiles.read(path, "quote file"));
    } catch (QuoteFormatException e) {
      throw new UserError(path + " is " + NOT_EVIDENCE, e);
    }
    return new QuoteFile(path, bytes, EvidenceFormat.detect(bytes));
  }

  /** The detected format; a file that is none of them is a one-line user error. */
  EvidenceFormat format() {
    return detected.orElseThrow(() -> new UserError(path + " is " + NOT_EVIDENCE));
  }

  Quote parse() {
    try {
      return QuoteParser.parse(bytes);
    } catch (QuoteFormatException e) {
      throw new UserError(path + " is not a valid quote: " + e.getMessage(), e);
    }
  }
}
