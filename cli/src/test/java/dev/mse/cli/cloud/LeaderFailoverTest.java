package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.cli.UserError;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.PackageKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two real operator processes on one PostgreSQL; in every round apps are deployed through both
 * while the leader is killed (SIGKILL) at a random moment, then started again (as a follower).
 * After each round every app that got its 201 is there, whichever instance confirmed it, and the
 * host agrees with the database: no node directory, runtime or package without its app, no upload
 * left, every live app with its node and exactly one runtime (the new leader adopted them). The
 * takeover time (kill to the new epoch in the database) is printed per round.
 *
 * <p>{@code -Dmse.failoverTest.rounds=N} (default 3, for CI time) and {@code
 * -Dmse.failoverTest.seed=S}; docs/operator.md has a run of 20 rounds.
 */
class LeaderFailoverTest {
  private static final int ROUNDS = Integer.getInteger("mse.failoverTest.rounds", 3);
  private static final int DEPLOYS_PER_ROUND = 3; // the default quota of an account

  @TempDir Path work;

  @Test
  void killingTheLeaderDuringDeploysLosesNoConfirmedAppAndLeavesNothingBehind() throws Exception {
    long seed = Long.getLong("mse.failoverTest.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    Set<UUID> confirmed = ConcurrentHashMap.newKeySet();
    List<Long> takeovers = new ArrayList<>();
    try (OperatorCluster cluster = new OperatorCluster(work)) {
      OperatorCluster.Instance[] instances = new OperatorCluster.Instance[2];
      instances[0] = cluster.start("a");
      cluster.awaitLeader(List.of(instances[0]));
      instances[1] = cluster.start("b");
      String token = OperatorCluster.createAccount(instances[0]);
      try {
        for (int round = 1; round <= ROUNDS; round++) {
          String context = "round " + round + " of seed " + seed;
          OperatorCluster.Instance leader = cluster.awaitLeader(List.of(instances));
          int killed = leader == instances[0] ? 0 : 1;
          OperatorCluster.Instance survivor = instances[1 - killed];
          List<Path> packages = new ArrayList<>();
          List<byte[]> configs = new ArrayList<>();
          for (int i = 0; i < DEPLOYS_PER_ROUND; i++) {
            Path pkg = work.resolve("r" + round + "-" + i + ".tar");
            configs.add(newDeployment(pkg));
            packages.add(pkg);
          }
          List<ApiClient> targets =
              List.of(
                  OperatorCluster.client(instances[0], token),
                  OperatorCluster.client(instances[1], token));
          int first = random.nextInt(2);
          Thread deployer =
              Thread.ofPlatform()
                  .start(
                      () -> {
                        for (int i = 0; i < packages.size(); i++) {
                          try {
                            JsonNode app =
                                targets
                                    .get((first + i) % 2)
                                    .deploy("default", "4g", configs.get(i), packages.get(i));
                            confirmed.add(UUID.fromString(app.path("id").asString()));
                          } catch (UserError e) {
                            // the instance died under this request: no 201, nothing promised
                          }
                        }
                      });
          Thread.sleep(random.nextInt(0, 900));
          long epoch = cluster.lease().epoch();
          leader.kill();
          Instant at = Instant.now();
          assertThat(cluster.awaitLeader(List.of(survivor))).as(context).isEqualTo(survivor);
          long takeover = Duration.between(at, Instant.now()).toMillis();
          takeovers.add(takeover);
          assertThat(cluster.lease().epoch()).as(context).isGreaterThan(epoch);
          deployer.join();

          instances[killed] = cluster.start(leader.name(), leader.apiPort(), leader.proxyPort());
          System.out.printf("LeaderFailoverTest %s: takeover after %d ms%n", context, takeover);
          ApiClient api = OperatorCluster.client(survivor, token);
          assertConsistent(cluster, api, instances, confirmed, context);
          // stopped through the instance that does not lead: the leader stops the nodes
          stopLiveApps(OperatorCluster.client(instances[killed], token));
          awaitNoRuntimes(cluster, context);
        }
        List<Long> sorted = takeovers.stream().sorted().toList();
        System.out.printf(
            "LeaderFailoverTest: %d rounds, %d apps confirmed, takeover min %d ms, median %d ms,"
                + " max %d ms (seed %d)%n",
            ROUNDS,
            confirmed.size(),
            sorted.getFirst(),
            sorted.get(sorted.size() / 2),
            sorted.getLast(),
            seed);
      } catch (AssertionError | Exception e) {
        cluster.keepLogs("LeaderFailoverTest");
        throw e;
      } finally {
        for (OperatorCluster.Instance i : instances) {
          if (i != null && i.process().isAlive()) {
            stopLiveApps(OperatorCluster.client(i, token));
          }
        }
        for (OperatorCluster.Instance i : instances) {
          if (i != null) {
            i.stop();
          }
        }
      }
    }
  }

  private static void stopLiveApps(ApiClient api) {
    for (JsonNode app : api.apps(Map.of())) {
      if (isLive(app.path("status").asString())) {
        api.stop(UUID.fromString(app.path("id").asString()));
      }
    }
  }

  private static void awaitNoRuntimes(OperatorCluster cluster, String context) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!cluster.runtimes().isEmpty()) {
      assertThat(Instant.now()).as("runtimes of stopped apps, %s", context).isBefore(deadline);
      Thread.sleep(200);
    }
  }

  /** The host agrees with the database; waits a little for the new leader to adopt the nodes. */
  private static void assertConsistent(
      OperatorCluster cluster,
      ApiClient api,
      OperatorCluster.Instance[] instances,
      Set<UUID> confirmed,
      String context)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        checkConsistent(cluster, api, instances, confirmed, context);
        return;
      } catch (AssertionError e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
  }

  private static void checkConsistent(
      OperatorCluster cluster,
      ApiClient api,
      OperatorCluster.Instance[] instances,
      Set<UUID> confirmed,
      String context)
      throws Exception {
    Map<UUID, String> rows = new HashMap<>();
    for (JsonNode app : api.apps(Map.of())) {
      rows.put(UUID.fromString(app.path("id").asString()), app.path("status").asString());
    }
    assertThat(rows.keySet()).as("apps that got 201, %s", context).containsAll(confirmed);
    assertThat(rows.keySet())
        .as("node directories, %s", context)
        .containsAll(ids(cluster.nodes, ""));
    for (OperatorCluster.Instance i : instances) {
      assertThat(rows.keySet())
          .as("packages of %s, %s", i.name(), context)
          .containsAll(ids(i.data().resolve("packages"), ".tar"));
      assertThat(list(i.data().resolve("uploads")))
          .as("uploads of %s, %s", i.name(), context)
          .isEmpty();
    }
    Map<UUID, List<ProcessHandle>> running = cluster.runtimes();
    for (UUID id : running.keySet()) {
      assertThat(rows.get(id))
          .as("status of app %s whose runtime runs, %s", id, context)
          .isNotNull();
      assertThat(isLive(rows.get(id))).as("app %s is %s, %s", id, rows.get(id), context).isTrue();
    }
    rows.forEach(
        (id, status) -> {
          if (isLive(status)) {
            assertThat(cluster.nodes.resolve(id.toString()))
                .as("node of %s, %s", id, context)
                .isDirectory();
            assertThat(running.getOrDefault(id, List.of()))
                .as("runtimes of live app %s, %s", id, context)
                .hasSize(1);
          }
        });
  }

  private static boolean isLive(String status) {
    return status.equals("spawning") || status.equals("initializing") || status.equals("running");
  }

  /** A deployment config of a new app, with its encrypted package written to {@code pkg}. */
  private static byte[] newDeployment(Path pkg) throws Exception {
    UUID id = UUID.randomUUID();
    byte[] bytes =
        AppPackage.create(
                "failover",
                "com.example.Main",
                Optional.empty(),
                "/health",
                ("code of " + id).getBytes(StandardCharsets.UTF_8),
                PackageKey.generate())
            .toBytes();
    Files.write(pkg, bytes);
    return new DeploymentConfig(
            id,
            "failover",
            "com.example.Main",
            Optional.empty(),
            "/health",
            SslOrigin.SELF,
            id + ".mse.localhost",
            Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS),
            ByteString.of(new byte[32]),
            ByteString.of(bytes).sha256(),
            Optional.empty(),
            AppTls.APP)
        .toCanonicalJson();
  }

  private static List<UUID> ids(Path dir, String suffix) throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (Path p : list(dir)) {
      String name = p.getFileName().toString();
      if (name.endsWith(suffix)) {
        ids.add(UUID.fromString(name.substring(0, name.length() - suffix.length())));
      }
    }
    return ids;
  }

  private static List<Path> list(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
