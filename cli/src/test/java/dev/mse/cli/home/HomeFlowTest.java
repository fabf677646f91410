package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code mse home test} and the {@code --json} of the home chain's commands, against a spawned
 * simulated node (a real runtime process on loopback).
 */
class HomeFlowTest {
  @TempDir Path work;

  @Test
  void homeTestRunsTheTestsAgainstTheRunningEnclaveAndEveryStepSpeaksJson() throws Exception {
    assumeTrue(
        HomeFlow.runtimeBuilt(),
        "no runtime distribution: build it with ./mvnw package -pl enclave -am");
    try (HomeFlow flow = new HomeFlow(work, "hello")) {
      int port = HomeFlow.freePort();
      JsonNode spawned = json(flow.spawn("hello", port, "--json"));
      assertThat(spawned.path("name").asString()).isEqualTo("hello");
      assertThat(spawned.path("state").asString()).isEqualTo("waiting");
      assertThat(spawned.path("simulated").asBoolean()).isTrue();
      String appId = spawned.path("app_id").asString();
      Path config = flow.project.resolve("mse.toml");

      // Before provisioning: refused, with what to do.
      MseCli.Run early = flow.cli("home", "test", "hello", "--config", config.toString()).failed();
      assertThat(early.err().lines()).hasSize(1);
      assertThat(early.err()).contains("is waiting").contains("mse home run hello");

      JsonNode verified = json(flow.verify("hello", work.resolve("cp-json"), "--json"));
      assertThat(verified.path("app_id").asString()).isEqualTo(appId);
      assertThat(verified.path("state").asString()).isEqualTo("waiting");
      assertThat(verified.path("tee").asString()).isEqualTo("SIMULATED");

      MseCli.Run run = flow.verifySealAndRun("hello", "--json");
      JsonNode running = json(run);
      assertThat(running.path("state").asString()).isEqualTo("running");
      assertThat(running.path("url").asString())
          .isEqualTo("https://" + HomeFlow.SAN + ":" + port + "/");

      // The scaffold's own smoke test (java tests/SmokeTest.java), against the enclave: it
      // reaches app.mse.test through the hosts file and trusts only the verified certificate.
      MseCli.Run tested =
          flow.cli("home", "test", "hello", "--config", config.toString()).succeeded();
      assertThat(tested.out())
          .contains("verified the enclave of hello (app " + appId + ")")
          .contains("TEST_REMOTE_URL=https://" + HomeFlow.SAN + ":" + port)
          .contains("tests passed");
      JsonNode testedJson =
          json(
              flow.cli("home", "test", "hello", "--config", config.toString(), "--json")
                  .succeeded());
      assertThat(testedJson.path("passed").asBoolean()).isTrue();

      // A failing tests_cmd fails the command, with its exit code.
      Files.writeString(
          config,
          Files.readString(config)
              .replace("tests_cmd = \"java tests/SmokeTest.java\"", "tests_cmd = \"exit 3\""));
      assertThat(flow.cli("home", "test", "hello", "--config", config.toString()).failed().out())
          .contains("tests failed (exit 3)");

      JsonNode status = json(flow.cli("home", "status", "hello", "--json").succeeded());
      assertThat(status.path("state").asString()).isEqualTo("running");
      assertThat(status.path("app_id").asString()).isEqualTo(appId);
      JsonNode list = json(flow.cli("home", "list", "--json").succeeded());
      assertThat(list.isArray()).isTrue();
      assertThat(list.get(0).path("name").asString()).isEqualTo("hello");
      JsonNode evidence =
          json(
              flow.cli(
                      "home",
                      "evidence",
                      "hello",
                      "--output",
                      work.resolve("ev").toString(),
                      "--json")
                  .succeeded());
      assertThat(evidence.path("app_id").asString()).isEqualTo(appId);
      assertThat(Path.of(evidence.path("evidence").asString())).isRegularFile();
      JsonNode logs = json(flow.cli("home", "logs", "hello", "--json").succeeded());
      assertThat(logs.path("log").asString()).isNotEmpty();
      assertThat(flow.cli("home", "logs", "hello", "--json", "--follow").failed().err())
          .contains("--follow");
      JsonNode stopped = json(flow.cli("home", "stop", "hello", "--json").succeeded());
      assertThat(stopped.path("stopped").asBoolean()).isTrue();
      assertThat(flow.cli("home", "test", "hello", "--config", config.toString()).failed().err())
          .contains("is stopped");
    }
  }

  private static JsonNode json(MseCli.Run run) {
    return Json.MAPPER.readTree(run.out());
  }
}
