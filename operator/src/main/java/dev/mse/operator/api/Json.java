package dev.mse.operator.api;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's JSON: snake_case names from record components, times already as ISO-8601 text. A body
 * that names a key twice is refused: which of the two values counts would otherwise depend on the
 * parser, and a proxy or signature checker in front could read the other one.
 */
final class Json {
  static final JsonMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private Json() {}
}
