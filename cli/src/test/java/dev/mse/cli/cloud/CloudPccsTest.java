package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.sim.SimulatedPccs;
import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import dev.mse.operator.node.runtime.EvidenceVerdict;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The simulated TEE takes the hardware's road through the operator: its runtimes get their
 * collateral from the operator's {@code pccs_url}, a simulated PCCS, exactly as hardware runtimes
 * get Intel's; the operator's status client and {@code cloud deploy}/{@code cloud verify} appraise
 * the evidence with it. What the PCCS says decides: a revoked PCK or a TCB level the policy does
 * not accept refuses the deploy at once, with the reason; a PCCS that stops does not stop the app
 * while the collateral its runtime kept is valid, but a new app, for which nothing is cached, fails
 * within a bounded time, naming the PCCS.
 */
class CloudPccsTest {
  private static final String DEFAULT_STATUSES =
      "[tcb]\naccepted_statuses = [\"UpToDate\", \"SWHardeningNeeded\"]\n";
  private static final String ALSO_OUT_OF_DATE =
      "[tcb]\naccepted_statuses = [\"UpToDate\", \"SWHardeningNeeded\", \"OutOfDate\"]\n";

  @TempDir Path work;

  private static SimulatedPccs pccs() throws Exception {
    return SimulatedPccs.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        Clock.systemUTC(),
        SimulatedPccs.DEFAULT_VALIDITY);
  }

  private static MseCli.Run deploy(CloudFixture cloud, String name, String... policy) {
    Path project = cloud.scaffold(name);
    String[] args = {
      "cloud",
      "deploy",
      "--path",
      project.resolve("mse.toml").toString(),
      "--timeout",
      "3",
      "--json"
    };
    String[] all = new String[args.length + policy.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(policy, 0, all, args.length, policy.length);
    return cloud.cli(all);
  }

  @Test
  void anOutOfDateTcbOrARevokedPckServedByThePccsRefusesTheDeployAtOnceWithTheReason()
      throws Exception {
    Path nodePolicy = work.resolve("node-policy.toml");
    Files.writeString(nodePolicy, DEFAULT_STATUSES);
    try (SimulatedPccs pccs = pccs();
        CloudFixture cloud =
            new CloudFixture(
                work, "simulation", c -> c.withPccsUrl(pccs.url()).withNodePolicy(nodePolicy))) {
      // OutOfDate: the operator's own check of its node refuses it, and the app fails with the
      // reason rather than waiting out the deploy's timeout.
      pccs.serveTcbStatus(TcbStatus.OUT_OF_DATE);
      MseCli.Run outOfDate = deploy(cloud, "stale", "--allow-simulation");
      assertThat(outOfDate.exitCode()).isNotZero();
      assertThat(outOfDate.err())
          .contains("the node's evidence does not verify")
          .contains("OutOfDate")
          .doesNotContain("after 3 min");
      assertThat(pccs.served()).as("the runtime asked the PCCS").isPositive();

      // An operator whose node policy accepts OutOfDate runs the node; the owner's default policy
      // still refuses it, and a policy that accepts OutOfDate deploys.
      Files.writeString(nodePolicy, ALSO_OUT_OF_DATE);
      cloud.operator.close();
      cloud.start();
      MseCli.Run ownerRefuses = deploy(cloud, "stale-owner", "--allow-simulation");
      assertThat(ownerRefuses.exitCode()).isNotZero();
      assertThat(ownerRefuses.err()).contains("does not verify").contains("OutOfDate");
      Path ownerPolicy = work.resolve("owner-policy.toml");
      Files.writeString(ownerPolicy, ALSO_OUT_OF_DATE + "allow_simulation = true\n");
      deploy(cloud, "stale-accepted", "--policy", ownerPolicy.toString()).succeeded();

      // The PCCS revokes the platform's PCK: the next node's collateral lists it, and whatever
      // TCB level the policies accept, the deploy is refused and says so.
      pccs.serveTcbStatus(TcbStatus.UP_TO_DATE);
      pccs.revokePck();
      MseCli.Run revoked = deploy(cloud, "revoked", "--policy", ownerPolicy.toString());
      assertThat(revoked.exitCode()).isNotZero();
      assertThat(revoked.err())
          .contains("the node's evidence does not verify")
          .containsIgnoringCase("revoked")
          .doesNotContain("after 3 min");
    }
  }

  @Test
  void whenThePccsStopsTheCollateralTheRuntimeKeptIsUsedWhileValid() throws Exception {
    SimulatedPccs pccs = pccs();
    boolean stopped = false;
    try (CloudFixture cloud =
        new CloudFixture(work, "simulation", c -> c.withPccsUrl(pccs.url()))) {
      JsonNode app =
          Json.MAPPER.readTree(deploy(cloud, "kept", "--allow-simulation").succeeded().out());
      assertThat(pccs.served()).as("the runtime asked the PCCS").isPositive();
      String id = app.path("app_id").asString();
      String hostPort = app.path("domain").asString() + ":" + cloud.proxyPort();
      Path cert = work.resolve("cert.pem");
      String[] verify = {
        "cloud",
        "verify",
        hostPort,
        "--fingerprint",
        app.path("code_sha256").asString(),
        "--allow-simulation",
        "--pccs",
        pccs.url().toString(),
        "--output",
        cert.toString()
      };

      pccs.close();
      stopped = true;
      // The PCCS is down: the collateral the runtime sends is valid, so nothing needs fetching.
      cloud.cli(verify).succeeded();

      // The runtime dies and comes back while the PCCS is still down: its certificate (kept across
      // restarts) and its cache under the state directory hold collateral valid now, and the
      // operator's status client accepts it again.
      Path nodeRecord = cloud.operator.nodesDir().resolve(id).resolve("node.json");
      long pid = Json.MAPPER.readTree(Files.readString(nodeRecord)).path("pid").asLong();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      awaitNewPid(nodeRecord, pid);
      awaitStatus(cloud, id, "running");
      awaitVerified(cloud, verify);
      assertThat(CloudFixture.curl("--cacert", cert.toString(), "https://" + hostPort + "/").out())
          .contains("Hello from kept");

      // A new deploy while the PCCS is still down: its runtime has no collateral cached, nor has
      // the operator, so the app fails once the runtime has asked twice, naming the PCCS and what
      // was missing, instead of waiting out the deploy's timeout.
      // (The operator's patience shortened from 75 s, the runtime's retry plus 15 s, to keep CI
      // short.)
      System.setProperty(EvidenceVerdict.PATIENCE_PROPERTY, "15");
      MseCli.Run fresh;
      try {
        fresh = deploy(cloud, "fresh", "--allow-simulation");
      } finally {
        System.clearProperty(EvidenceVerdict.PATIENCE_PROPERTY);
      }
      assertThat(fresh.exitCode()).isNotZero();
      assertThat(fresh.err())
          .contains("no collateral for the node's evidence after 15 s")
          .contains("PCCS " + pccs.url())
          .contains("/sgx/certification/v4/")
          .doesNotContain("after 3 min");
    } finally {
      if (!stopped) {
        pccs.close();
      }
    }
  }

  /**
   * Runs {@code verify} until it succeeds: a restarted node is routed again a moment after it
   * reports running (until then the proxy does not know its name), and its claims name the app's
   * code only once the app runs again (the operator's "running" can be the one from before the
   * kill, until its next status poll sees the process gone); any other failure is final.
   */
  private static void awaitVerified(CloudFixture cloud, String[] verify) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    MseCli.Run last = cloud.cli(verify);
    while (last.exitCode() != 0
        && (last.err().contains("cannot be reached")
            || last.err().contains("code-sha256 mismatch: expected")
                && last.err().contains("the claims have none"))
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      last = cloud.cli(verify);
    }
    last.succeeded();
  }

  private static void awaitNewPid(Path nodeRecord, long old) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      long pid = Json.MAPPER.readTree(Files.readString(nodeRecord)).path("pid").asLong();
      if (pid != old && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the node was not restarted");
  }

  private static void awaitStatus(CloudFixture cloud, String id, String wanted) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
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
