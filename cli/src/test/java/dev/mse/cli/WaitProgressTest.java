package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class WaitProgressTest {
  @Test
  void aLinePerStateChangeAndNoneForTheSameStateSeenAgainAtOnce() {
    StringWriter lines = new StringWriter();
    WaitProgress progress = new WaitProgress(new PrintWriter(lines), "the app x");
    progress.observe("spawning");
    progress.observe("spawning");
    progress.observe("initializing");
    progress.observe("running");
    assertThat(lines.toString().lines().toList())
        .hasSize(3)
        .allMatch(l -> l.matches("mse: \\[\\d+ s\\] the app x is \\w+"))
        .anyMatch(l -> l.endsWith("is spawning"))
        .anyMatch(l -> l.endsWith("is initializing"))
        .anyMatch(l -> l.endsWith("is running"));
  }
}
