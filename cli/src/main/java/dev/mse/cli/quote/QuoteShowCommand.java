package dev.mse.cli.quote;

import dev.mse.attestation.quote.Quote;
import dev.mse.cli.Json;
import java.nio.file.Path;
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
        "Print every field of a quote (binary, hex or base64). Verifies nothing: see 'mse quote verify'.")
final class QuoteShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "QUOTE", description = "the quote file")
  Path quotePath;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() {
    QuoteFile file = QuoteFile.read(quotePath);
    Quote quote = file.parse();
    ObjectNode description = QuoteDescription.of(quote, file.bytes().length);
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
