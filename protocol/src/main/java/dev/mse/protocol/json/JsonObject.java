package dev.mse.protocol.json;

import dev.mse.protocol.text.UntrustedText;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Typed, strict access to the fields of a decoded canonical JSON object: unknown keys, missing keys
 * and wrong types are errors that name the key.
 */
public final class JsonObject {
  private final JsonNode node;
  private final String path;

  JsonObject(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Fails on any key outside {@code allowed}. */
  public void requireOnlyKeys(Set<String> allowed) throws CanonicalJsonException {
    for (String key : node.propertyNames()) {
      if (!allowed.contains(key)) {
        throw new CanonicalJsonException(
            "unknown field "
                + UntrustedText.excerpt(path + key)
                + " (known: "
                + String.join(", ", new TreeSet<>(allowed))
                + ")");
      }
    }
  }

  public String string(String key) throws CanonicalJsonException {
    return optionalString(key)
        .orElseThrow(() -> new CanonicalJsonException("missing field '" + path + key + "'"));
  }

  public Optional<String> optionalString(String key) throws CanonicalJsonException {
    JsonNode value = node.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isString()) {
      throw new CanonicalJsonException("field '" + path + key + "' must be a string");
    }
    return Optional.of(value.asString());
  }

  public long integer(String key) throws CanonicalJsonException {
    JsonNode value = node.get(key);
    if (value == null) {
      throw new CanonicalJsonException("missing field '" + path + key + "'");
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new CanonicalJsonException("field '" + path + key + "' must be an integer");
    }
    return value.asLong();
  }
}
