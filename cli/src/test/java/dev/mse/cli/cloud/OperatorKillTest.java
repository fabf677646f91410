package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.cli.ServeProcess;
import dev.mse.cli.UserError;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.admin.AdminClient;
import dev.mse.operator.admin.AdminReply;
import dev.mse.operator.admin.AdminRequest;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.local.LocalNodeProvider;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.PackageKey;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The operator killed (SIGKILL) at random moments while apps are deployed: after each restart every
 * app that got its 201 is there, and the host agrees with the database (no node directory, runtime
 * or package without its app, no upload left, every live app with its node and exactly one
 * runtime). Real {@code mse operator serve} processes over PostgreSQL, simulated TEE, runtimes that
 * wait for their owner. {@code -Dmse.killTest.rounds=N} and {@code -Dmse.killTest.seed=S} replay a
 * run.
 *
 * <p>Over H2 as well, in fewer rounds: H2 lost every commit of a run started after a kill until the
 * operator learned to close it cleanly once before opening it (Database, docs/operator.md).
 */
class OperatorKillTest {
  // 5 per engine in every build (CI's time); loops of 30-40 are -Dmse.killTest.rounds
  private static final int ROUNDS = Integer.getInteger("mse.killTest.rounds", 5);
  private static final int DEPLOYS_PER_ROUND = 3; // the default quota of a project
  private static final Duration READY = Duration.ofSeconds(90);
  private static final String PG_SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  // kept when the test fails: the serve logs say what happened
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  static Stream<String> engines() {
    // -Dmse.killTest.engines=h2 loops one engine
    return Stream.of(System.getProperty("mse.killTest.engines", "postgres,h2").split(","));
  }

  @ParameterizedTest
  @MethodSource("engines")
  void killsDuringDeploysLoseNoConfirmedAppAndLeaveNothingBehind(String engine) throws Exception {
    Optional<String> databaseUrl = Optional.empty();
    String schema = "kill_" + UUID.randomUUID().toString().replace("-", "");
    if (engine.equals("postgres")) {
      try (Connection c = DriverManager.getConnection(PG_SERVER);
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      databaseUrl = Optional.of(PG_SERVER + "&currentSchema=" + schema);
    }
    try {
      killRounds(databaseUrl, ROUNDS);
    } finally {
      if (databaseUrl.isPresent()) {
        try (Connection c = DriverManager.getConnection(PG_SERVER);
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }

  private void killRounds(Optional<String> databaseUrl, int rounds) throws Exception {
    long seed = Long.getLong("mse.killTest.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    Path data = work.resolve("operator");
    // where `serve` puts them: as root, outside the 0700 data directory, for the runtime users
    Path nodes =
        LocalOperator.nodesDir(
            OperatorConfig.defaults(data.toAbsolutePath()), LocalNodeProvider.operatorIsRoot());
    Set<UUID> confirmed = ConcurrentHashMap.newKeySet();
    ServeProcess serve = ServeProcess.start(work, data, databaseUrl, 0);
    String token = "";
    try {
      AdminReply reply =
          AdminClient.send(
                  data,
                  new AdminRequest.CreateAccount(
                      "owner@example.test", "correct horse battery", true, OptionalInt.empty()))
              .orElseThrow();
      token = ((AdminReply.AccountCreated) reply).token().orElseThrow();
      for (int round = 1; round <= rounds; round++) {
        String context = "round " + round + " of seed " + seed + "; log " + serve.log();
        ApiClient deploying = client(serve, token);
        List<Path> packages = new ArrayList<>();
        List<byte[]> configs = new ArrayList<>();
        for (int i = 0; i < DEPLOYS_PER_ROUND; i++) {
          Path pkg = work.resolve("r" + round + "-" + i + ".tar");
          configs.add(newDeployment(pkg));
          packages.add(pkg);
        }
        Thread deployer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < packages.size(); i++) {
                        try {
                          JsonNode app =
                              deploying.deploy("default", "4g", configs.get(i), packages.get(i));
                          confirmed.add(UUID.fromString(app.path("id").asString()));
                        } catch (UserError e) {
                          return; // the operator died under this request
                        }
                      }
                    });
        Thread.sleep(random.nextInt(0, 900));
        serve.kill();
        deployer.join();

        serve = ServeProcess.start(work, data, databaseUrl, round);
        ApiClient api = client(serve, token);
        assertConsistent(api, data, nodes, confirmed, context);
        stopLiveApps(api);
      }
    } catch (AssertionError | Exception e) {
      keepLogs();
      throw e;
    } finally {
      if (serve.process().isAlive() && !token.isEmpty()) {
        stopLiveApps(client(serve, token));
      }
      serve.stop();
      for (List<ProcessHandle> left : runtimes(nodes).values()) {
        left.forEach(ProcessHandle::destroyForcibly);
      }
      // as root the nodes live outside the test's directory (/var/lib/mse-nodes/…): this run's
      if (!nodes.startsWith(work) && Files.isDirectory(nodes)) {
        try (Stream<Path> walk = Files.walk(nodes)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  /** The operator's logs of a failed run, kept in target/ (the temporary directory goes). */
  private void keepLogs() throws Exception {
    Path kept = Path.of("target", "OperatorKillTest-logs");
    Files.createDirectories(kept);
    for (Path log : list(work)) {
      if (log.getFileName().toString().endsWith(".log")) {
        Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static ApiClient client(ServeProcess serve, String token) {
    return new ApiClient(OperatorUrl.parse(serve.baseUrl()), Optional.of(token), false);
  }

  private static void stopLiveApps(ApiClient api) {
    for (JsonNode app : api.apps(Map.of())) {
      if (isLive(app.path("status").asString())) {
        api.stop(UUID.fromString(app.path("id").asString()));
      }
    }
  }

  /** The host agrees with the database; waits a little for runtimes being restarted. */
  private static void assertConsistent(
      ApiClient api, Path data, Path nodes, Set<UUID> confirmed, String context) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (true) {
      try {
        checkConsistent(api, data, nodes, confirmed, context);
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
      ApiClient api, Path data, Path nodes, Set<UUID> confirmed, String context) throws Exception {
    Map<UUID, String> rows = new HashMap<>();
    for (JsonNode app : api.apps(Map.of())) {
      rows.put(UUID.fromString(app.path("id").asString()), app.path("status").asString());
    }
    assertThat(rows.keySet()).as("apps that got 201, %s", context).containsAll(confirmed);
    assertThat(rows.keySet()).as("node directories, %s", context).containsAll(ids(nodes, ""));
    assertThat(rows.keySet())
        .as("packages, %s", context)
        .containsAll(ids(data.resolve("packages"), ".tar"));
    assertThat(list(data.resolve("uploads"))).as("uploads, %s", context).isEmpty();
    Map<UUID, List<ProcessHandle>> running = runtimes(nodes);
    for (UUID id : running.keySet()) {
      assertThat(rows.get(id))
          .as("status of app %s whose runtime runs, %s", id, context)
          .isNotNull();
      assertThat(isLive(rows.get(id))).as("app %s is %s, %s", id, rows.get(id), context).isTrue();
    }
    rows.forEach(
        (id, status) -> {
          if (isLive(status)) {
            assertThat(nodes.resolve(id.toString()))
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
                "killed",
                "com.example.Main",
                Optional.empty(),
                "/health",
                ("code of " + id).getBytes(StandardCharsets.UTF_8),
                PackageKey.generate())
            .toBytes();
    Files.write(pkg, bytes);
    return new DeploymentConfig(
            id,
            "killed",
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

  /** The runtime processes started from a node directory under {@code nodes}, by app. */
  private static Map<UUID, List<ProcessHandle>> runtimes(Path nodes) {
    String marker = "--config " + nodes + File.separator;
    Map<UUID, List<ProcessHandle>> found = new HashMap<>();
    ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .forEach(
            h -> {
              String line = RuntimeLaunch.commandLine(h);
              int at = line.indexOf(marker);
              if (at >= 0 && RuntimeLaunch.isRuntime(line)) {
                String id = line.substring(at + marker.length(), at + marker.length() + 36);
                found.computeIfAbsent(UUID.fromString(id), k -> new ArrayList<>()).add(h);
              }
            });
    return found;
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
