package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What keeps an app serving without its owner: a node that crashes comes back from its sealed
 * state, a restarted operator finds its running nodes again; and what stops it for good.
 */
class CloudLifecycleTest {
  @TempDir Path work;

  @Test
  void crashedNodesRestartFromSealedStateAndTheOperatorReattachesAfterARestart() throws Exception {
    try (CloudFixture cloud = new CloudFixture(work)) {
      Path project = cloud.scaffold("sturdy");
      JsonNode app =
          Json.MAPPER.readTree(
              cloud
                  .cli(
                      "cloud",
                      "deploy",
                      "--path",
                      project.resolve("mse.toml").toString(),
                      "--allow-simulation",
                      "--json")
                  .succeeded()
                  .out());
      String id = app.path("app_id").asString();
      String hostPort = app.path("domain").asString() + ":" + cloud.proxyPort();
      Path cert = work.resolve("cert.pem");
      cloud
          .cli(
              "cloud",
              "verify",
              hostPort,
              "--fingerprint",
              app.path("code_sha256").asString(),
              "--allow-simulation",
              "--output",
              cert.toString())
          .succeeded();
      CloudFixture.curl("--cacert", cert.toString(), "https://" + hostPort + "/").succeeded();

      // The runtime dies: the operator starts it again; it unseals its state and serves the same
      // certificate, with no owner involved.
      Path nodeRecord = cloud.operator.nodesDir().resolve(id).resolve("node.json");
      long pid = Json.MAPPER.readTree(Files.readString(nodeRecord)).path("pid").asLong();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      long restarted = awaitNewPid(nodeRecord, pid);
      awaitStatus(cloud, id, "running");
      assertThat(awaitServing(cert, hostPort)).contains("Hello from sturdy");
      assertThat(cloud.cli("cloud", "logs", id).succeeded().out())
          .contains("restarting it (1 of 3)");

      // The operator restarts: nothing is lost, and it re-attaches to the running node.
      cloud.operator.close();
      cloud.start();
      assertThat(cloud.cli("cloud", "list").succeeded().out()).contains(id).contains("running");
      awaitStatus(cloud, id, "running");
      assertThat(Json.MAPPER.readTree(Files.readString(nodeRecord)).path("pid").asLong())
          .isEqualTo(restarted);
      CloudFixture.curl("--cacert", cert.toString(), "https://" + hostPort + "/").succeeded();

      // Stopped for good: the proxy refuses the name, the sealed state is gone, logs remain.
      cloud.cli("cloud", "stop", id).succeeded();
      assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(nodeRecord.resolveSibling("home")).doesNotExist();
      assertThat(
              CloudFixture.curl("--cacert", cert.toString(), "https://" + hostPort + "/")
                  .exitCode())
          .isNotZero();
      assertThat(cloud.cli("cloud", "logs", id).succeeded().out()).contains("running: code");
      assertThat(cloud.cli("cloud", "status", id).succeeded().out()).contains("stopped");
    }
  }

  /** The app's answer once it serves again (a restarting node is briefly unreachable). */
  private static String awaitServing(Path cert, String hostPort) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    MseCli.Run last = null;
    while (Instant.now().isBefore(deadline)) {
      last = CloudFixture.curl("--cacert", cert.toString(), "https://" + hostPort + "/");
      if (last.exitCode() == 0) {
        return last.out();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the app does not serve again: " + last.out());
  }

  private static long awaitNewPid(Path nodeRecord, long old) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      long pid = Json.MAPPER.readTree(Files.readString(nodeRecord)).path("pid").asLong();
      if (pid != old && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        return pid;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the node was not restarted");
  }

  private static void awaitStatus(CloudFixture cloud, String id, String wanted) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      MseCli.Run r = cloud.cli("cloud", "status", id, "--json");
      if (r.exitCode() == 0) {
        last = Json.MAPPER.readTree(r.out()).path("app").path("status").asString();
        if (last.equals(wanted)) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("app " + id + " is " + last + ", not " + wanted);
  }
}
