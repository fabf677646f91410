package dev.mse.cli.quote;

import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteInput;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import java.nio.file.Path;

/** A quote file given on the command line: binary, hex or base64. */
record QuoteFile(Path path, byte[] bytes) {
  static QuoteFile read(Path path) {
    try {
      return new QuoteFile(path, QuoteInput.decode(UserFiles.read(path, "quote file")));
    } catch (QuoteFormatException e) {
      throw new UserError(path + " is not a quote: " + e.getMessage(), e);
    }
  }

  Quote parse() {
    try {
      return QuoteParser.parse(bytes);
    } catch (QuoteFormatException e) {
      throw new UserError(path + " is not a valid quote: " + e.getMessage(), e);
    }
  }
}
