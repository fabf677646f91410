package dev.mse.attestation.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mse.attestation.pck.PckExtensionException;
import dev.mse.attestation.pck.PckExtensionParser;
import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.QuoteCertificates;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteInput;
import dev.mse.attestation.quote.QuoteParser;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Feeds arbitrary bytes through everything that reads an untrusted quote file: input decoding,
 * parsing, the PCK chain and the PCK extension. Only the documented checked exceptions may come
 * out; any other throwable is a finding. Without {@code JAZZER_FUZZ} this replays the seeds and
 * past findings in {@code QuoteParserFuzzTestInputs}.
 *
 * <p>To fuzz one target (Jazzer fuzzes one method per run), from the repository root: {@code
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=2m ./mvnw -pl attestation test
 * -Dtest='QuoteParserFuzzTest#parse'}. A crash is written to {@code
 * QuoteParserFuzzTestInputs/<method>/crash-*}; keep it there once fixed, as a regression input.
 */
class QuoteParserFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    readQuote(data);
  }

  @FuzzTest
  void decodeThenParse(byte[] data) {
    byte[] decoded;
    try {
      decoded = QuoteInput.decode(data);
    } catch (QuoteFormatException rejected) {
      return;
    }
    readQuote(decoded);
  }

  private static void readQuote(byte[] bytes) {
    try {
      Quote quote = QuoteParser.parse(bytes);
      List<X509Certificate> chain = QuoteCertificates.pckChain(quote);
      PckExtensionParser.parse(chain.getFirst());
    } catch (QuoteFormatException | PckExtensionException rejected) {
      // the documented outcome for malformed input
    }
  }
}
