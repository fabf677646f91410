package dev.mse.attestation.quote;

import dev.mse.attestation.testing.TestVectors;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The single-byte quote mutations of {@code NEGATIVE_CASES.json}, applied to their base quote. */
final class QuoteMutations {
  private QuoteMutations() {}

  /** The cases that change one byte of a DCAP quote file. */
  static List<JsonNode> negativeCases() {
    List<JsonNode> cases = new ArrayList<>();
    for (JsonNode c : TestVectors.negativeCases()) {
      JsonNode mutation = c.get("mutation");
      if (c.has("quote_file") && mutation != null && mutation.has("offset")) {
        cases.add(c);
      }
    }
    return List.copyOf(cases);
  }

  static byte[] apply(JsonNode negativeCase) {
    byte[] bytes;
    try {
      bytes = QuoteInput.decode(TestVectors.bytes(negativeCase.get("quote_file").asString()));
    } catch (QuoteFormatException e) {
      throw new AssertionError(e);
    }
    JsonNode m = negativeCase.get("mutation");
    int offset = m.get("offset").asInt();
    if (m.has("xor")) {
      bytes[offset] ^= (byte) (int) Integer.decode(m.get("xor").asString());
    } else if (m.has("set_to")) {
      bytes[offset] = (byte) (int) Integer.decode(m.get("set_to").asString());
    } else if (m.has("replace_base64_char_with")) {
      bytes[offset] = (byte) (bytes[offset] == 'A' ? 'B' : 'A');
    } else {
      throw new AssertionError("unknown mutation " + m);
    }
    return bytes;
  }

  static String name(JsonNode negativeCase) {
    return negativeCase.get("base_vector").asString() + ": " + negativeCase.get("case").asString();
  }
}
