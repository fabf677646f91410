package dev.mse.enclave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runtime stays one an auditor reads in a day: at most 3,000 lines of its own main code ({@code
 * find enclave/src/main/java -name '*.java' | xargs cat | wc -l}), and no JDK internals or
 * reflective access anywhere in its sources, its JVM options or its pom. The one agent is the
 * launcher's ({@code Launcher-Agent-Class}), which can neither redefine classes nor add to the boot
 * class path, and no other agent can be loaded into the running JVM.
 */
class TrustedBaseBudgetTest {
  private static final int MAX_LINES = 3_000;
  private static final Path MAIN = Path.of("src/main");
  private static final Path JVM_ARGS = Path.of("src/dist/jvm.args");
  private static final Pattern FORBIDDEN =
      Pattern.compile(
          "(?<![\\w.])sun\\.|jdk\\.internal|setAccessible|add-opens|Add-Opens"
              + "|\\+EnableDynamicAgentLoading|Can-Redefine|Can-Retransform|Boot-Class-Path");

  private static List<Path> files(Path root, String suffix) throws Exception {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(suffix))
          .sorted()
          .toList();
    }
  }

  @Test
  void theMainCodeIsAtMostThreeThousandLines() throws Exception {
    long lines = 0;
    for (Path source : files(MAIN.resolve("java"), ".java")) {
      lines += Files.readAllLines(source).size();
    }
    assertThat(lines).as("lines of enclave/src/main/java").isLessThanOrEqualTo(MAX_LINES);
  }

  @Test
  void noJdkInternalsReflectiveAccessOrAgentButTheLaunchers() throws Exception {
    List<Path> checked = new ArrayList<>(files(MAIN, ""));
    checked.add(Path.of("pom.xml"));
    checked.add(JVM_ARGS);
    List<String> found = new ArrayList<>();
    for (Path file : checked) {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (FORBIDDEN.matcher(lines.get(i)).find()) {
          found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
      }
    }
    assertThat(found).isEmpty();
    assertThat(Files.readAllLines(JVM_ARGS)).contains("-XX:-EnableDynamicAgentLoading");
  }
}
