package dev.mse.cli.quote;

import java.io.PrintWriter;
import tools.jackson.databind.JsonNode;

/** Prints a JSON tree as indented "key: value" lines, for people. */
final class TextTree {
  private TextTree() {}

  static void print(PrintWriter out, JsonNode node, int indent) {
    String pad = "  ".repeat(indent);
    for (var entry : node.properties()) {
      JsonNode v = entry.getValue();
      if (v.isObject()) {
        out.println(pad + entry.getKey() + ":");
        print(out, v, indent + 1);
      } else if (v.isArray()) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : v.values()) {
          sb.append(sb.isEmpty() ? "" : " ").append(e.isString() ? e.asString() : e.toString());
        }
        out.println(pad + entry.getKey() + ": [" + sb + "]");
      } else {
        out.println(pad + entry.getKey() + ": " + (v.isString() ? v.asString() : v.toString()));
      }
    }
  }
}
