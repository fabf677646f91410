package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --version}, {@code --color} and {@code mse completion}. */
class GlobalOptionsTest {
  private static final String ESC = "\u001b[";

  @Test
  void versionIsTheBuildsOrDevelopmentFromUnpackagedClasses() {
    CliRun run = CliRun.of("--version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("mse " + Version.VERSION + System.lineSeparator());
    boolean packaged = Version.class.getResource("build-version.txt") != null;
    if (packaged) {
      assertThat(Version.VERSION).isNotEqualTo("development").matches("\\S+");
    } else {
      assertThat(Version.VERSION).isEqualTo("development");
    }
  }

  @Test
  void colorAlwaysColoursHelpAndErrorsNeverAndAutoOffATerminalDoNot() {
    assertThat(CliRun.of("--color", "always", "home", "--help").out()).contains(ESC);
    assertThat(CliRun.of("home", "--color=always", "seal", "--help").out()).contains(ESC);
    assertThat(CliRun.of("--color", "never", "home", "--help").out()).doesNotContain(ESC);
    // Tests run without a terminal: auto means no colours.
    assertThat(CliRun.of("home", "--help").out()).doesNotContain(ESC).contains("encrypt");

    CliRun error =
        CliRun.of("--color", "always", "home", "decrypt", "--input", "/nonexistent", "--key", "k");
    assertThat(error.exitCode()).isEqualTo(1);
    assertThat(error.err()).contains(ESC).contains("does not exist");
    CliRun plain = CliRun.of("home", "decrypt", "--input", "/nonexistent", "--key", "k");
    assertThat(plain.err()).doesNotContain(ESC).startsWith("mse: ");

    CliRun bad = CliRun.of("--color", "sometimes", "--help");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("--color").contains("sometimes");
  }

  @Test
  void autoColoursOnlyATerminalWithoutNoColor() {
    assertThat(ColorOption.AUTO.colors(true, null)).isTrue();
    assertThat(ColorOption.AUTO.colors(true, "")).isTrue();
    assertThat(ColorOption.AUTO.colors(true, "1")).isFalse();
    assertThat(ColorOption.AUTO.colors(false, null)).isFalse();
    assertThat(ColorOption.ALWAYS.colors(false, "1")).isTrue();
    assertThat(ColorOption.NEVER.colors(true, null)).isFalse();
  }

  @Test
  void bashCompletesCommandsAndOptionsWithTheGeneratedScript(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("completion", "bash");
    assertThat(run.exitCode()).isZero();
    Path script = Files.writeString(dir.resolve("mse.bash"), run.out());
    // Real bash, sourcing the script and asking it as the shell would on TAB.
    String completions =
        bash(
            "source "
                + script
                + "; complete -p mse >/dev/null || exit 9"
                + "; COMP_WORDS=(mse home enc); COMP_CWORD=2; COMP_LINE='mse home enc'"
                + "; COMP_POINT=${#COMP_LINE}; _complete_mse; echo \"${COMPREPLY[@]}\""
                + "; COMP_WORDS=(mse cloud token create x --d); COMP_CWORD=5"
                + "; COMP_LINE='mse cloud token create x --d'; COMP_POINT=${#COMP_LINE}"
                + "; _complete_mse; echo \"${COMPREPLY[@]}\""
                + "; COMP_WORDS=(mse --color ''); COMP_CWORD=2; COMP_LINE='mse --color '"
                + "; COMP_POINT=${#COMP_LINE}; _complete_mse; echo \"${COMPREPLY[@]}\"");
    assertThat(completions.lines().toList())
        .containsExactly("encrypt", "--days", "AUTO NEVER ALWAYS");

    CliRun zsh = CliRun.of("completion", "zsh");
    assertThat(zsh.exitCode()).isZero();
    assertThat(zsh.out()).contains("ZSH_VERSION").contains("bashcompinit");
    assertThat(CliRun.of("completion", "fish").err()).contains("SHELL");
  }

  private static String bash(String script) throws Exception {
    // Outside a real TAB press, bash warns about compopt on stderr: only stdout is the answer.
    Process p =
        new ProcessBuilder("bash", "-c", script)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
