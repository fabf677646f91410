package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.MseCli;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --allow-simulation} beside {@code --policy} used to be dropped without a word: a person
 * who asked for the simulated TEE got the file's answer instead. The file decides, and the flag
 * beside it is refused with one line before anything is done. {@code CloudScenariosTest} shows the
 * note a policy file's decision prints.
 */
class PolicyOptionsTest {
  @TempDir Path work;

  @Test
  void allowSimulationBesideAPolicyFileIsRefusedByEveryCommandThatTakesBoth() throws Exception {
    Path policy =
        Files.writeString(work.resolve("policy.toml"), "[tcb]\nallow_simulation = false\n");
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    for (List<String> command :
        List.of(
            List.of("cloud", "verify", "app.localhost:" + closedPort),
            List.of("cloud", "deploy", "--path", work.resolve("mse.toml").toString()),
            List.of("cloud", "test", "00000000-0000-0000-0000-000000000001"))) {
      List<String> args = new java.util.ArrayList<>(command);
      args.addAll(List.of("--policy", policy.toString(), "--allow-simulation"));
      MseCli.Run run = MseCli.run(work.resolve("conf"), args.toArray(String[]::new));
      run.failed();
      assertThat(run.err())
          .as("%s", command)
          .isEqualTo(
              "mse: --allow-simulation cannot be combined with --policy: the policy file"
                  + " decides; set allow_simulation = true in it to accept the simulated TEE\n");
    }
  }

  @Test
  void noVerifyBesideAPolicyFileIsRefused() throws Exception {
    Path policy =
        Files.writeString(work.resolve("policy.toml"), "[tcb]\nallow_simulation = true\n");
    MseCli.Run run =
        MseCli.run(
            work.resolve("conf"),
            "cloud",
            "deploy",
            "--path",
            work.resolve("mse.toml").toString(),
            "--policy",
            policy.toString(),
            "--no-verify");
    run.failed();
    assertThat(run.err())
        .isEqualTo(
            "mse: --no-verify cannot be combined with --policy: the policy file's measurements"
                + " decide\n");
  }

  @Test
  void helpSaysWhichWins() {
    for (String command : List.of("deploy", "verify", "test")) {
      String help = MseCli.run(work.resolve("conf"), "cloud", command, "--help").succeeded().out();
      assertThat(help.replaceAll("\\s+", " "))
          .as(command)
          .contains("refused with --policy, whose allow_simulation decides");
    }
    assertThat(
            MseCli.run(work.resolve("conf"), "cloud", "deploy", "--help")
                .succeeded()
                .out()
                .replaceAll("\\s+", " "))
        .contains("Still checked:")
        .contains("Refused with --policy");
  }
}
