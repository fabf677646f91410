package dev.mse.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The demo's printed commands name the CLI the way the user ran it. */
class DemoCommandTest {
  @Test
  void anUnknownLauncherIsMseFromPath() {
    assertThat(DemoCommand.asTyped("")).isEqualTo("mse");
  }

  @Test
  void aPathIsKeptAsTyped() {
    assertThat(DemoCommand.asTyped("./mse")).isEqualTo("./mse");
    assertThat(DemoCommand.asTyped("../mse/mse")).isEqualTo("../mse/mse");
    assertThat(DemoCommand.asTyped("/usr/local/bin/mse")).isEqualTo("/usr/local/bin/mse");
  }

  @Test
  void aPathTheShellWouldSplitIsQuoted() {
    assertThat(DemoCommand.asTyped("/home/a b/mse")).isEqualTo("'/home/a b/mse'");
    assertThat(DemoCommand.asTyped("/tmp/it's/mse")).isEqualTo("'/tmp/it'\\''s/mse'");
  }
}
