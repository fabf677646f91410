package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * An app that failed or stopped leaves nothing but its log: no runtime, sealed state, secrets or
 * package; and its owner can stop a failed app.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeCleanupTest {
  @TempDir static Path work;
  private CloudFixture cloud;

  @BeforeAll
  void startOperator() throws Exception {
    cloud = new CloudFixture(work);
  }

  @AfterAll
  void stopOperator() throws Exception {
    cloud.close();
  }

  @Test
  void aFailedAppLeavesOnlyItsLogAndItsOwnerStopsItWithoutError() throws Exception {
    Path project = cloud.scaffold("crashes");
    Path app;
    try (Stream<Path> files = Files.walk(project.resolve("src"))) {
      app = files.filter(p -> p.getFileName().toString().equals("App.java")).findFirst().get();
    }
    Files.writeString(
        app,
        Files.readString(app, StandardCharsets.UTF_8)
            .replace(
                "int port = port();",
                "if (port() > 0) {\n throw new IllegalStateException(\"crashes at start\");\n}\n"
                    + "int port = port();"));
    cloud
        .cli(
            "cloud",
            "deploy",
            "--path",
            project.resolve("mse.toml").toString(),
            "--allow-simulation",
            "-y")
        .failed();
    JsonNode failed = listed("crashes");
    assertThat(failed.path("status").asString()).isEqualTo("on_error");
    UUID id = UUID.fromString(failed.path("id").asString());

    assertLeftOnlyTheLog(id);

    cloud.cli("cloud", "stop", id.toString()).succeeded();
    assertThat(listed("crashes").path("status").asString()).isEqualTo("stopped");
    assertLeftOnlyTheLog(id);
  }

  @Test
  void aStoppedAppLeavesOnlyItsLog() throws Exception {
    Path project = cloud.scaffold("stops");
    JsonNode app =
        Json.MAPPER.readTree(
            cloud
                .cli(
                    "cloud",
                    "deploy",
                    "--path",
                    project.resolve("mse.toml").toString(),
                    "--allow-simulation",
                    "--json",
                    "-y")
                .succeeded()
                .out());
    UUID id = UUID.fromString(app.path("app_id").asString());
    Path node = cloud.operator.nodesDir().resolve(id.toString());
    assertThat(node.resolve("home").resolve("state")).isDirectory();
    assertThat(secretsDir(id)).isDirectory();

    cloud.cli("cloud", "stop", id.toString()).succeeded();

    assertLeftOnlyTheLog(id);
  }

  private void assertLeftOnlyTheLog(UUID id) throws Exception {
    Path node = cloud.operator.nodesDir().resolve(id.toString());
    // the watcher cleans up right after it saw the failure: give it a moment
    for (int i = 0; i < 100 && Files.exists(node.resolve("home")); i++) {
      Thread.sleep(100);
    }
    assertThat(CloudFixture.files(node))
        .extracting(p -> p.getFileName().toString())
        .allMatch(n -> n.startsWith("runtime.log"))
        .isNotEmpty();
    assertThat(secretsDir(id)).doesNotExist();
    assertThat(cloud.config.dataDir().resolve("packages").resolve(id + ".tar")).doesNotExist();
    assertThat(
            ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(id.toString())))
        .isEmpty();
  }

  private JsonNode listed(String name) throws Exception {
    JsonNode all =
        Json.MAPPER.readTree(cloud.cli("cloud", "list", "--all", "--json").succeeded().out());
    for (JsonNode a : all) {
      if (a.path("name").asString().equals(name)) {
        return a;
      }
    }
    throw new AssertionError("no app named " + name + " in " + all);
  }

  private static Path secretsDir(UUID id) {
    return Path.of("/dev/shm", "mse-node-" + id);
  }
}
