package dev.mse.protocol.config;

import dev.mse.attestation.ratls.AppTls;
import java.nio.file.Path;
import java.util.Optional;

/** Writes an {@link MseToml} back as the TOML a person would write, tables in the usual order. */
final class MseTomlWriter {
  private MseTomlWriter() {}

  static String write(MseToml toml) {
    StringBuilder out = new StringBuilder();
    line(out, "name", toml.name());
    toml.javaApplication().ifPresent(v -> line(out, "java_application", v));
    toml.mainJar().ifPresent(v -> line(out, "main_jar", v));
    line(out, "healthcheck_endpoint", toml.healthcheckEndpoint());
    toml.testsCmd().ifPresent(v -> line(out, "tests_cmd", v));
    if (toml.tls() != AppTls.APP) {
      line(out, "tls", toml.tls().wireName());
    }
    if (toml.cloud().isPresent()) {
      MseToml.Cloud cloud = toml.cloud().get();
      Path dir = toml.directory();
      out.append("\n[cloud]\n");
      line(out, "code", relative(dir, cloud.code()));
      cloud.tests().ifPresent(p -> line(out, "tests", relative(dir, p)));
      line(out, "project", cloud.project());
      cloud.hardware().ifPresent(v -> line(out, "hardware", v));
      cloud
          .expirationDate()
          .ifPresent(e -> out.append("expiration_date = ").append(e.toTomlLiteral()).append('\n'));
      cloud.secrets().ifPresent(p -> line(out, "secrets", relative(dir, p)));
      Optional<MseToml.Ssl> ssl = cloud.ssl();
      if (ssl.isPresent()) {
        out.append("\n[cloud.ssl]\n");
        line(out, "domain_name", ssl.get().domainName());
        line(out, "private_key", relative(dir, ssl.get().privateKey()));
        line(out, "certificate", relative(dir, ssl.get().certificate()));
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String key, String value) {
    out.append(key).append(" = ").append(quote(value)).append('\n');
  }

  private static String relative(Path directory, Path path) {
    Path absolute = path.isAbsolute() ? path : directory.resolve(path);
    if (!absolute.getRoot().equals(directory.getRoot())) {
      return absolute.toString();
    }
    String rel = directory.relativize(absolute.normalize()).toString();
    return rel.isEmpty() ? "." : rel.replace(absolute.getFileSystem().getSeparator(), "/");
  }

  /**
   * A TOML basic string: quotes, backslashes and control characters escaped, and the byte order
   * mark, which TOML parsers refuse anywhere but at the start of a document.
   */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f || c == 0xfeff) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
