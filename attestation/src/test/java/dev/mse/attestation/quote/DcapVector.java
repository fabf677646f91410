package dev.mse.attestation.quote;

import dev.mse.attestation.testing.TestVectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One DCAP quote entry of {@code EXPECTED.json} ("dcap" or "dcap_quote_only"). Several entries
 * share a quote file (one per collateral set), so {@link #distinctQuotes()} exists for tests that
 * only care about the bytes.
 *
 * @param file the quote file, relative to the test-vector root
 * @param expected the entry as written in {@code EXPECTED.json}
 */
public record DcapVector(String id, String file, JsonNode expected) {

  public static List<DcapVector> all() {
    JsonNode root = TestVectors.expected();
    List<DcapVector> vectors = new ArrayList<>();
    for (String section : List.of("dcap", "dcap_quote_only")) {
      for (JsonNode entry : root.get(section)) {
        String id = entry.get("id").asString();
        JsonNode file = entry.get("quote_file");
        vectors.add(new DcapVector(id, file == null ? id : file.asString(), entry));
      }
    }
    return List.copyOf(vectors);
  }

  /** One vector per quote file. */
  public static List<DcapVector> distinctQuotes() {
    Map<String, DcapVector> byFile = new LinkedHashMap<>();
    for (DcapVector v : all()) {
      byFile.putIfAbsent(v.file(), v);
    }
    return List.copyOf(byFile.values());
  }

  /** The quote bytes, decoded from hex where the file is hex. */
  public byte[] quoteBytes() {
    try {
      return QuoteInput.decode(TestVectors.bytes(file));
    } catch (QuoteFormatException e) {
      throw new AssertionError("test vector " + file + " does not decode", e);
    }
  }

  public Quote quote() {
    try {
      return QuoteParser.parse(quoteBytes());
    } catch (QuoteFormatException e) {
      throw new AssertionError("test vector " + file + " does not parse", e);
    }
  }

  /** The PCK extension expectations: "pck" for full vectors, "pck_ext" for quote-only ones. */
  public JsonNode pckExpectations() {
    return expected.has("pck") ? expected.get("pck") : expected.get("pck_ext");
  }

  @Override
  public String toString() {
    return id;
  }
}
