package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** As in MSE, a command of the default group may be given without the group. */
class DefaultGroupTest {
  private final CommandLine cli = new CommandLine(new MseCommand());

  @Test
  void aCloudCommandWithoutItsGroupGoesToCloud() {
    // MSE_DEFAULT_ENV is not set in the test environment: the default group is cloud.
    assertThat(Main.withDefaultGroup(new String[] {"deploy", "-y"}, cli))
        .containsExactly("cloud", "deploy", "-y");
    assertThat(Main.withDefaultGroup(new String[] {"verify", "a.example.com"}, cli))
        .containsExactly("cloud", "verify", "a.example.com");
  }

  @Test
  void topLevelCommandsOptionsAndUnknownWordsAreLeftAlone() {
    assertThat(Main.withDefaultGroup(new String[] {"home", "list"}, cli))
        .containsExactly("home", "list");
    assertThat(Main.withDefaultGroup(new String[] {"--version"}, cli)).containsExactly("--version");
    assertThat(Main.withDefaultGroup(new String[] {"nonsense"}, cli)).containsExactly("nonsense");
    assertThat(Main.withDefaultGroup(new String[] {}, cli)).isEmpty();
  }
}
