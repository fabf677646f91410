package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration that all collateral readers share. It is stricter than Jackson's
 * defaults because the documents are signed or security-relevant: a duplicate key would let two
 * readers of the same bytes see different values, so duplicates are rejected; trailing content
 * after the document is rejected; nesting is capped far above what Intel's formats use so that
 * hostile input cannot exhaust the stack.
 */
final class CollateralJson {
  /** Intel's documents nest at most six levels; anything much deeper is not collateral. */
  private static final int MAX_DEPTH = 32;

  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build();

  static final JsonMapper MAPPER =
      JsonMapper.builder(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private CollateralJson() {}

  /**
   * Parses {@code bytes} as one JSON object.
   *
   * @param what names the document in error messages, e.g. {@code tcbInfo}
   */
  static JsonFields readObject(ByteString bytes, String what) throws CollateralFormatException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes.toByteArray());
    } catch (JacksonException e) {
      throw new CollateralFormatException(what + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new CollateralFormatException(what + ": expected a JSON object");
    }
    return new JsonFields(node, what);
  }
}
