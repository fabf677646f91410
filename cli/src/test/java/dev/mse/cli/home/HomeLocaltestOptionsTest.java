package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** MSE's {@code mse home localtest --code DIR --config FILE --test DIR}. */
class HomeLocaltestOptionsTest {
  @Test
  void codeConfigAndTestMayLiveInThreeDirectories(@TempDir Path work) throws Exception {
    Path conf = work.resolve("conf");
    MseCli.run(conf, "home", "scaffold", "split", "--output", work.toString()).succeeded();
    Path code = work.resolve("split");
    Path config = Files.createDirectories(work.resolve("config")).resolve("mse.toml");
    // The config away from the sources, its tests_cmd recording where it runs.
    Files.writeString(
        config,
        Files.readString(code.resolve("mse.toml"))
            .replace(
                "tests_cmd = \"java tests/SmokeTest.java\"", "tests_cmd = \"pwd > ran-here\""));
    Files.delete(code.resolve("mse.toml"));
    Path tests = Files.createDirectories(work.resolve("tests"));

    MseCli.Run run =
        MseCli.run(
                conf,
                "home",
                "localtest",
                "--code",
                code.toString(),
                "--config",
                config.toString(),
                "--test",
                tests.toString())
            .succeeded();
    assertThat(run.out()).contains("split runs at https://127.0.0.1:").contains("tests passed");
    assertThat(Files.readString(tests.resolve("ran-here")).strip())
        .isEqualTo(tests.toRealPath().toString());
    assertThat(code.resolve("build/app.jar")).isRegularFile();

    // --json: one object on stdout, the notes on stderr.
    MseCli.Run json =
        MseCli.run(
                conf,
                "home",
                "localtest",
                "--config",
                config.toString(),
                "--code",
                code.toString(),
                "--json")
            .succeeded();
    JsonNode result = Json.MAPPER.readTree(json.out());
    assertThat(result.path("name").asString()).isEqualTo("split");
    assertThat(result.path("tests_cmd").asString()).isEqualTo("pwd > ran-here");
    assertThat(result.path("passed").asBoolean()).isTrue();
    assertThat(json.err()).contains("split runs at https://127.0.0.1:");
    assertThat(code.resolve("ran-here")).isRegularFile();

    MseCli.Run both =
        MseCli.run(
                conf,
                "home",
                "localtest",
                "--project",
                code.toString(),
                "--config",
                config.toString())
            .failed();
    assertThat(both.err()).contains("give --project, or --code and --config, not both");
  }
}
