package dev.mse.operator.apps;

import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.store.AppTable;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.NodeAddressTable;
import dev.mse.operator.store.Project;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The proxy's routes with many apps in PostgreSQL, as an instance of several keeps them: the cost
 * of one full reload (live apps and recorded node addresses read, the map rebuilt: what every
 * instance does on start and when it may have missed a change), of one app's update (what it does
 * on a {@code NOTIFY} naming that app) and of one lookup (what the proxy does per connection) at
 * 100, 1,000 and all apps. Run by {@code bench/cluster/run-cluster.sh}.
 *
 * <pre>RouteBenchmark [apps]</pre>
 */
public final class RouteBenchmark {
  private RouteBenchmark() {}

  public static void main(String[] args) throws Exception {
    int apps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path dir = Files.createTempDirectory("mse-route-bench");
    try (TestDatabase pg = TestDatabase.postgres()) {
      OperatorConfig config =
          OperatorConfig.defaults(dir.resolve("data"))
              .withDatabaseUrl(pg.url())
              .withApi("127.0.0.1", 0);
      try (Operator operator = Operator.start(config, RecordingNodeProvider::new)) {
        Account account = operator.accounts().createAccount("bench@example.com", "bench password");
        Project project = operator.projects().list(account.id(), Optional.of("default")).getFirst();
        Database db = operator.database();
        fill(db, project.id(), apps);
        AppRouteTable routes = new AppRouteTable(config.appsDomain());

        long[] reloads = new long[60];
        for (int i = 0; i < reloads.length; i++) {
          long start = System.nanoTime();
          Map<UUID, NodeAddress> recorded = db.read(NodeAddressTable::serving);
          routes.rebuild(db.read(AppTable::live), id -> Optional.ofNullable(recorded.get(id)));
          reloads[i] = System.nanoTime() - start;
        }
        long[] measured = Arrays.copyOfRange(reloads, 10, reloads.length);
        Arrays.sort(measured);
        List<AppRecord> live = db.read(AppTable::live);
        System.out.printf(
            "| full reload | %d apps, %d serving | p50 %.1f ms, max %.1f ms |%n",
            apps,
            live.size(),
            measured[measured.length / 2] / 1e6,
            measured[measured.length - 1] / 1e6);

        // one app changed (what an instance does per notification naming it): its row and its
        // recorded address read, its two names replaced
        SplittableRandom pick = new SplittableRandom(2);
        long[] updates = new long[2_000];
        for (int i = 0; i < updates.length; i++) {
          UUID id = live.get(pick.nextInt(live.size())).id();
          long start = System.nanoTime();
          Optional<AppRecord> row = db.read(c -> AppTable.byId(c, id));
          Optional<NodeAddress> address = db.read(c -> NodeAddressTable.serving(c, id));
          routes.update(id, row, x -> address);
          updates[i] = System.nanoTime() - start;
        }
        long[] measuredUpdates = Arrays.copyOfRange(updates, 500, updates.length);
        Arrays.sort(measuredUpdates);
        System.out.printf(
            "| one app's update | %d apps, %d serving | p50 %.2f ms, p99 %.2f ms |%n",
            apps,
            live.size(),
            measuredUpdates[measuredUpdates.length / 2] / 1e6,
            measuredUpdates[(int) Math.ceil(measuredUpdates.length * 0.99) - 1] / 1e6);

        Map<UUID, NodeAddress> recorded = db.read(NodeAddressTable::serving);
        for (int size : new int[] {100, 1_000, live.size()}) {
          List<AppRecord> some = live.subList(0, Math.min(size, live.size()));
          AppRouteTable table = new AppRouteTable(config.appsDomain());
          table.rebuild(some, id -> Optional.ofNullable(recorded.get(id)));
          String[] names = some.stream().map(AppRecord::domain).toArray(String[]::new);
          System.out.printf(
              "| lookup | %d routes | %.0f ns |%n", size * 2, lookupNanos(table, names));
        }
      }
    } finally {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Mean nanoseconds of one lookup of a random known name, after a warm-up. */
  private static double lookupNanos(AppRouteTable table, String[] names) {
    SplittableRandom random = new SplittableRandom(1);
    int[] order = random.ints(1 << 20, 0, names.length).toArray();
    long found = 0;
    for (int round = 0; round < 5; round++) {
      for (int i : order) {
        found += table.route(names[i]).isPresent() ? 1 : 0;
      }
    }
    long start = System.nanoTime();
    for (int round = 0; round < 10; round++) {
      for (int i : order) {
        found += table.route(names[i]).isPresent() ? 1 : 0;
      }
    }
    long took = System.nanoTime() - start;
    if (found != 15L * order.length) {
      throw new IllegalStateException("a known name had no route");
    }
    return took / (10.0 * order.length);
  }

  /** Apps in the project, half of them running with a recorded node address. */
  private static void fill(Database db, UUID projectId, int n) {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS).minus(n, ChronoUnit.SECONDS);
    db.inTransaction(
        c -> {
          for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            boolean running = i % 2 == 0;
            AppTable.insert(
                c,
                new AppRecord(
                    id,
                    "app" + (i % 50),
                    projectId,
                    "4g",
                    running ? AppStatus.RUNNING : AppStatus.STOPPED,
                    SslOrigin.SELF,
                    id + ".mse.localhost",
                    ("{\"app_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                    "ab".repeat(32),
                    Path.of("/nonexistent/" + id + ".tar"),
                    "com.example.Main",
                    "/health",
                    t0.plusSeconds(i),
                    Optional.empty(),
                    Optional.empty(),
                    t0.plus(30, ChronoUnit.DAYS),
                    Optional.empty()));
            if (running) {
              NodeAddressTable.put(
                  c,
                  id,
                  new NodeAddress(
                      new InetSocketAddress("127.0.0.1", 20_000 + (i % 40_000)),
                      new InetSocketAddress("127.0.0.1", 20_001 + (i % 40_000))));
            }
          }
          return null;
        });
  }
}
