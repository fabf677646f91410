package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.cli.owner.AppTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two real {@code mse operator serve} processes on the real PostgreSQL: an app deployed through the
 * follower (the leader starts its node) is served through both proxies; the leader killed, the
 * other takes over, re-attaches to the node and still serves it; stopped through it, the node goes.
 */
class OperatorClusterTest {
  @TempDir Path work;

  @Test
  void deployThroughOneCallThroughTheOtherAndSurviveTheLeadersDeath() throws Exception {
    try (OperatorCluster cluster = new OperatorCluster(work)) {
      OperatorCluster.Instance a = cluster.start("a");
      OperatorCluster.Instance leader = cluster.awaitLeader(List.of(a));
      OperatorCluster.Instance b = cluster.start("b");
      try {
        assertThat(cluster.awaitLeader(List.of(a, b))).isEqualTo(leader);
        String token = OperatorCluster.createAccount(b);
        Path conf = work.resolve("conf");
        MseCli.run(conf, "cloud", "login", "--url", b.baseUrl(), "--token", token).succeeded();
        Path project = work.resolve("shared");
        AppTemplate.write(project, "shared", Optional.of("default"), Optional.of("4g"));

        // deployed through b, which does not lead: a starts the node, b's proxy serves it
        JsonNode app =
            Json.MAPPER.readTree(
                MseCli.run(
                        conf,
                        "cloud",
                        "deploy",
                        "--path",
                        project.resolve("mse.toml").toString(),
                        "--allow-simulation",
                        "--json")
                    .succeeded()
                    .out());
        UUID id = UUID.fromString(app.path("app_id").asString());
        String domain = app.path("domain").asString();
        Path cert = work.resolve("cert.pem");
        MseCli.run(
                conf,
                "cloud",
                "verify",
                domain + ":" + a.proxyPort(),
                "--fingerprint",
                app.path("code_sha256").asString(),
                "--allow-simulation",
                "--output",
                cert.toString())
            .succeeded();
        assertThat(serve(cert, domain, a.proxyPort())).contains("Hello from shared");
        assertThat(serve(cert, domain, b.proxyPort())).contains("Hello from shared");
        assertThat(cluster.runtimes().get(id)).hasSize(1);
        long runtime = cluster.runtimes().get(id).getFirst().pid();

        // the leader dies: b takes over, re-attaches to the same runtime and still serves
        long epoch = cluster.lease().epoch();
        a.kill();
        Instant killed = Instant.now();
        assertThat(cluster.awaitLeader(List.of(b))).isEqualTo(b);
        System.out.printf(
            "OperatorClusterTest: takeover after %d ms%n",
            Duration.between(killed, Instant.now()).toMillis());
        assertThat(cluster.lease().epoch()).isGreaterThan(epoch);
        assertThat(serve(cert, domain, b.proxyPort())).contains("Hello from shared");
        assertThat(cluster.runtimes().get(id))
            .extracting(ProcessHandle::pid)
            .containsExactly(runtime);

        // a comes back as a follower and serves through its proxy again
        a = cluster.start("a", a.apiPort(), a.proxyPort());
        assertThat(serve(cert, domain, a.proxyPort())).contains("Hello from shared");
        assertThat(cluster.lease().heldBy(b)).isTrue();

        // stopped through a: b, the leader, stops the node; neither proxy knows the name
        MseCli.run(conf, "cloud", "login", "--url", a.baseUrl(), "--token", token).succeeded();
        MseCli.run(conf, "cloud", "stop", id.toString()).succeeded();
        awaitNoRuntime(cluster, id);
        awaitRefused(cert, domain, a.proxyPort());
        awaitRefused(cert, domain, b.proxyPort());
      } catch (AssertionError | Exception e) {
        cluster.keepLogs("OperatorClusterTest");
        throw e;
      } finally {
        a.stop();
        b.stop();
      }
    }
  }

  /** The app's answer through a proxy, once the routes there know it. */
  private static String serve(Path cert, String domain, int proxyPort) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    MseCli.Run last = null;
    while (Instant.now().isBefore(deadline)) {
      last =
          CloudFixture.curl(
              "--cacert", cert.toString(), "https://" + domain + ":" + proxyPort + "/");
      if (last.exitCode() == 0) {
        return last.out();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the app is not served through port " + proxyPort + ": " + last.out());
  }

  private static void awaitRefused(Path cert, String domain, int proxyPort) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (CloudFixture.curl(
                  "--cacert", cert.toString(), "https://" + domain + ":" + proxyPort + "/")
              .exitCode()
          != 0) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the stopped app is still served through port " + proxyPort);
  }

  private static void awaitNoRuntime(OperatorCluster cluster, UUID id) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (!cluster.runtimes().containsKey(id)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the stopped app's runtime still runs");
  }
}
