package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code mse cloud deploy} twice under the same name: the app keeps its domain (its users keep
 * their URL and their {@code mse cloud verify} line), and each deployment has its own app id and
 * enclave name. {@code mse cloud verify} finds the enclave of a stable name by itself.
 */
class StableAddressTest {
  @TempDir Path work;

  @Test
  void aRedeployedAppKeepsItsDomainAndItsUsersVerifyItThere() throws Exception {
    try (CloudFixture cloud = new CloudFixture(work)) {
      Path project = cloud.scaffold("steady");
      JsonNode first = deploy(cloud, project);
      String domain = first.path("domain").asString();
      assertThat(domain).matches("steady-[0-9a-f]{10}\\.mse\\.localhost");
      assertThat(verify(cloud, domain, first))
          .contains("app id:       " + first.path("app_id").asString());

      JsonNode second = deploy(cloud, project);
      assertThat(second.path("domain").asString()).isEqualTo(domain);
      assertThat(second.path("app_id").asString()).isNotEqualTo(first.path("app_id").asString());
      JsonNode status =
          Json.MAPPER.readTree(
              cloud
                  .cli("cloud", "status", second.path("app_id").asString(), "--json")
                  .succeeded()
                  .out());
      assertThat(status.toString())
          .contains(second.path("app_id").asString() + ".enclave.mse.localhost");
      assertThat(verify(cloud, domain, second))
          .contains("app id:       " + second.path("app_id").asString());
      assertThat(Json.MAPPER.readTree(cloud.cli("cloud", "list", "--json").succeeded().out()))
          .hasSize(1);
    }
  }

  private static String verify(CloudFixture cloud, String domain, JsonNode app) {
    return cloud
        .cli(
            "cloud",
            "verify",
            domain + ":" + cloud.proxyPort(),
            "--fingerprint",
            app.path("code_sha256").asString(),
            "--allow-simulation",
            "--output",
            cloud.work.resolve("cert.pem").toString())
        .succeeded()
        .out();
  }

  private static JsonNode deploy(CloudFixture cloud, Path project) throws Exception {
    return Json.MAPPER.readTree(
        cloud
            .cli(
                "cloud",
                "deploy",
                "--path",
                project.resolve("mse.toml").toString(),
                "--allow-simulation",
                "-y",
                "--json")
            .succeeded()
            .out());
  }
}
