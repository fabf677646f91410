package dev.mse.protocol.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON encoding mse hashes: objects with keys sorted by UTF-16 code units, no whitespace,
 * strings escaped only where JSON requires it ({@code "}, {@code \}, control characters; {@code \b
 * \t \n \f \r} short forms, other controls as lowercase {@code \}{@code u00xx}), everything else as
 * UTF-8, integers in plain decimal. No floats, no nulls, no arrays: our documents do not need them,
 * and leaving them out keeps "canonical" easy to state (this is the RFC 8785 JCS form restricted to
 * those types).
 *
 * <p>{@link #decode} accepts a document only if re-encoding it gives the same bytes, so each value
 * has exactly one accepted encoding and a digest of the bytes is a digest of the value.
 */
public final class CanonicalJson {
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private CanonicalJson() {}

  /**
   * Encodes an object whose values are {@code String}, {@code Integer}, {@code Long}, {@code
   * Boolean} or nested {@code Map<String, ?>} of the same.
   */
  public static byte[] encode(Map<String, ?> object) {
    StringBuilder out = new StringBuilder();
    writeObject(object, out);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Parses {@code bytes} as a canonical JSON object of at most {@code maxLength} bytes. */
  public static JsonObject decode(byte[] bytes, int maxLength) throws CanonicalJsonException {
    if (bytes.length > maxLength) {
      throw new CanonicalJsonException(
          "the document is " + bytes.length + " bytes long, at most " + maxLength + " allowed");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JacksonException e) {
      // Jackson's own message quotes the input: say where instead
      var where = e.getLocation();
      throw new CanonicalJsonException(
          where == null
              ? "not valid JSON"
              : "not valid JSON (line "
                  + where.getLineNr()
                  + ", column "
                  + where.getColumnNr()
                  + ")",
          e);
    }
    if (root == null || !root.isObject()) {
      throw new CanonicalJsonException("not a JSON object");
    }
    StringBuilder again = new StringBuilder();
    writeNode(root, again);
    if (!Arrays.equals(again.toString().getBytes(StandardCharsets.UTF_8), bytes)) {
      throw new CanonicalJsonException(
          "not in canonical form (sorted keys, no whitespace, minimal escapes)");
    }
    return new JsonObject(root, "");
  }

  private static void writeObject(Map<String, ?> object, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, ?> e : new TreeMap<>(object).entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeValue(e.getKey(), out);
      out.append(':');
      writeValue(e.getValue(), out);
    }
    out.append('}');
  }

  private static void writeValue(Object value, StringBuilder out) {
    switch (value) {
      case String s -> {
        if (!isWellFormed(s)) {
          throw new IllegalArgumentException("a string holds an unpaired surrogate");
        }
        writeString(s, out);
      }
      case Integer i -> out.append(i.intValue());
      case Long l -> out.append(l.longValue());
      case Boolean b -> out.append(b.booleanValue());
      case Map<?, ?> m -> {
        TreeMap<String, Object> copy = new TreeMap<>();
        m.forEach((k, v) -> copy.put((String) k, v));
        writeObject(copy, out);
      }
      default ->
          throw new IllegalArgumentException(
              "canonical JSON holds strings, integers, booleans and objects, not "
                  + value.getClass().getName());
    }
  }

  private static void writeNode(JsonNode node, StringBuilder out) throws CanonicalJsonException {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        sorted.put(e.getKey(), e.getValue());
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeChecked(e.getKey(), out);
        out.append(':');
        writeNode(e.getValue(), out);
      }
      out.append('}');
    } else if (node.isString()) {
      writeChecked(node.asString(), out);
    } else if (node.isIntegralNumber() && node.canConvertToLong()) {
      out.append(node.asLong());
    } else if (node.isBoolean()) {
      out.append(node.asBoolean());
    } else {
      throw new CanonicalJsonException(
          "unsupported JSON value ("
              + node.getNodeType()
              + "): only strings, integers, booleans"
              + " and objects are allowed");
    }
  }

  private static void writeChecked(String s, StringBuilder out) throws CanonicalJsonException {
    if (!isWellFormed(s)) {
      throw new CanonicalJsonException("a string holds an unpaired surrogate");
    }
    writeString(s, out);
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isWellFormed(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
