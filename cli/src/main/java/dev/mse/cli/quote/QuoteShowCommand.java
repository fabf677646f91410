package dev.mse.cli.quote;

import dev.mse.cli.Json;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse quote show QUOTE}: every field of a quote, readable. Verifies nothing. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "Print every field of a quote, SEV-SNP report or Nitro document (binary, hex or base64)."
            + " Verifies nothing: see 'mse quote verify'.")
final class QuoteShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "EVIDENCE", description = "the quote, report or document file")
  Path quotePath;

  @Option(
      names = "--tee",
      paramLabel = "KIND",
      description = "sgx, tdx, snp or nitro (default: detected from the file)",
      converter = QuoteVerifyCommand.TeeConverter.class)
  TeeOption tee;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() {
    QuoteFile file = QuoteFile.read(quotePath);
    ObjectNode description =
        switch (TeeOption.formatOf(file, Optional.ofNullable(tee))) {
          case DCAP_QUOTE -> QuoteDescription.of(file.parse(), file.bytes().length);
          case SNP_REPORT -> EvidenceDescription.snp(file);
          case NITRO_DOCUMENT -> EvidenceDescription.nitro(file);
        };
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(description));
    } else {
      TextTree.print(out, description, 0);
    }
    out.flush();
    return 0;
  }
}
