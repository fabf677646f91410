package dev.mse.protocol.config;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.testing.PropertyCases;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MseTomlProperties {
  private static final Path DIR = Path.of("/srv/app");

  /** Generated names are short, so that most of them mix many kinds of characters. */
  private static final int MAX_GENERATED_NAME = 40;

  /** The free-text fields of an mse.toml, and whether it has a [cloud] section. */
  record Fields(String name, String testsCmd, String project, boolean withCloud) {}

  /**
   * Names and commands at the edges: one character and the longest allowed, TOML's quotes and
   * escapes, a lone surrogate (a name is any text without control characters), and control
   * characters and a character outside the BMP in the command.
   */
  static Stream<Named<Fields>> fields() {
    List<String> names =
        List.of(
            "a",
            "z".repeat(MAX_GENERATED_NAME),
            "z".repeat(AppFields.MAX_NAME_LENGTH),
            "\"",
            "\\",
            "'''",
            "a\uD800b",
            "é 日");
    List<String> commands =
        List.of("x", "y".repeat(20), "\"", "\\", "\n", "\u0000\u001f\u007f", "'''", "\uD83D\uDE00");
    List<Named<Fields>> edges = new ArrayList<>();
    for (int i = 0; i < Math.max(names.size(), commands.size()); i++) {
      String name = names.get(i % names.size());
      String command = commands.get(i % commands.size());
      for (boolean withCloud : new boolean[] {false, true}) {
        edges.add(
            edge(
                "name %s, tests %s, cloud %s".formatted(escaped(name), escaped(command), withCloud),
                new Fields(name, command, name, withCloud)));
      }
    }
    return PropertyCases.of(
        0x4d83_e6a1_09fc_b257L,
        300,
        edges,
        random -> new Fields(name(random), command(random), name(random), random.nextBoolean()));
  }

  /** {@code s} in printable ASCII, with Java escapes for anything else. */
  private static String escaped(String s) {
    StringBuilder out = new StringBuilder();
    s.chars()
        .forEach(
            c ->
                out.append(
                    c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "\\u%04x".formatted(c)));
    return out.length() > 24
        ? out.substring(0, 24) + "..." + "(" + s.length() + " chars)"
        : out.toString();
  }

  /** 1 to 40 characters, printable ASCII or any UTF-16 unit at all, without control characters. */
  private static String name(SplittableRandom random) {
    String name;
    do {
      name =
          string(
              random,
              1,
              MAX_GENERATED_NAME,
              random.nextBoolean() ? 0x20 : 0,
              random.nextBoolean() ? 0x7e : 0xffff);
    } while (!AppFields.isAppName(name));
    return name;
  }

  /**
   * 1 to 20 characters, ASCII (control characters too) or any character but surrogates,
   * noncharacters and private use ones.
   */
  private static String command(SplittableRandom random) {
    boolean ascii = random.nextBoolean();
    String command;
    do {
      command = string(random, 1, 20, 0, ascii ? 0x7f : 0xfffd);
    } while (command.chars().anyMatch(MseTomlProperties::unusual));
    return command;
  }

  private static boolean unusual(int c) {
    return Character.isSurrogate((char) c)
        || (c >= 0xe000 && c <= 0xf8ff)
        || (c >= 0xfdd0 && c <= 0xfdef);
  }

  private static String string(SplittableRandom random, int min, int max, int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int n = Math.max(min, PropertyCases.size(random, max)); n > 0; n--) {
      s.append((char) random.nextInt(from, to + 1));
    }
    return s.toString();
  }

  @ParameterizedTest
  @MethodSource("fields")
  void writeThenParseIsIdentity(Fields f) throws Exception {
    Optional<MseToml.Cloud> cloud =
        f.withCloud()
            ? Optional.of(
                new MseToml.Cloud(
                    DIR.resolve("src"),
                    Optional.of(DIR.resolve("../tests").normalize()),
                    f.project(),
                    Optional.of("4g-eu-001"),
                    Optional.of(
                        new ExpirationDate.AtOffsetTime(
                            LocalDateTime.of(2030, 1, 2, 3, 4, 5).atOffset(ZoneOffset.UTC))),
                    Optional.empty(),
                    Optional.of(
                        new MseToml.Ssl(
                            "a.example.com", DIR.resolve("k.pem"), DIR.resolve("c.pem")))))
            : Optional.empty();
    MseToml toml =
        new MseToml(
            DIR,
            f.name(),
            "com.example.Main",
            Optional.of("app.jar"),
            "/health",
            Optional.of(f.testsCmd()),
            cloud);
    assertThat(MseToml.parse(toml.toToml(), DIR)).isEqualTo(toml);
  }
}
