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
 * find enclave/src/main/java -name '*.java' | xargs cat | wc -l}), and no JDK internals, reflective
 * access or agent anywhere in its sources or its pom.
 */
class TrustedBaseBudgetTest {
  private static final int MAX_LINES = 3_000;
  private static final Path MAIN = Path.of("src/main");
  private static final Pattern FORBIDDEN =
      Pattern.compile(
          "(?<![\\w.])sun\\.|jdk\\.internal|setAccessible|add-opens|Add-Opens"
              + "|EnableDynamicAgentLoading");

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
  void noJdkInternalsReflectiveAccessOrAgents() throws Exception {
    List<Path> checked = new ArrayList<>(files(MAIN, ""));
    checked.add(Path.of("pom.xml"));
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
  }
}
