package dev.mse.operator.bench;

import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.store.AppTable;
import dev.mse.operator.store.Project;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * {@code list} and {@code status} over HTTP with 1,000 apps in the database: the requests the CLI
 * makes ({@code GET /api/v1/apps?status=…&project=default} and {@code GET /api/v1/apps/{id}}), one
 * at a time, against the real server. Run by {@code bench/api/run-api.sh}.
 *
 * <pre>ApiBenchmark h2|postgres [apps] [iterations]</pre>
 */
public final class ApiBenchmark {
  private ApiBenchmark() {}

  public static void main(String[] args) throws Exception {
    TestDatabase.Kind kind =
        args.length > 0 && args[0].equals("postgres")
            ? TestDatabase.Kind.POSTGRES
            : TestDatabase.Kind.H2;
    int apps = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    Path dir = Files.createTempDirectory("mse-api-bench");
    try (TestDatabase db = TestDatabase.create(kind, dir.resolve("h2"))) {
      OperatorConfig config =
          OperatorConfig.defaults(dir.resolve("data"))
              .withDatabaseUrl(db.url())
              .withApi("127.0.0.1", 0);
      try (Operator operator = Operator.start(config, RecordingNodeProvider::new)) {
        Account account =
            operator.accounts().createAccount("bench@example.com", "benchmark password");
        String token = operator.accounts().createToken(account.id(), "bench").secret();
        Project project = operator.projects().list(account.id(), Optional.of("default")).getFirst();
        List<UUID> ids = fill(operator, project.id(), apps);
        if (kind == TestDatabase.Kind.POSTGRES) {
          // the statistics autovacuum would gather soon after such a load: without them the
          // planner guesses, and the first minutes measure its guess
          operator.database().read(c -> c.createStatement().execute("ANALYZE"));
        }
        HttpClient http = HttpClient.newHttpClient();
        URI base = operator.apiUri();
        Random random = new Random(1);
        String list = "/api/v1/apps?status=spawning,initializing,running&project=default";
        // warm-up: JIT, pool, caches
        for (int i = 0; i < iterations / 2; i++) {
          get(http, base, list, token);
          get(http, base, "/api/v1/apps/" + ids.get(random.nextInt(ids.size())), token);
        }
        long[] listTimes = new long[iterations];
        long[] statusTimes = new long[iterations];
        // this JVM's CPU time (client and operator, not PostgreSQL's) per request: what a busy
        // machine's scheduler does not inflate as it does the wall-clock tails
        long cpu0 = cpuNanos();
        for (int i = 0; i < iterations; i++) {
          listTimes[i] = get(http, base, list, token);
        }
        long cpu1 = cpuNanos();
        for (int i = 0; i < iterations; i++) {
          statusTimes[i] =
              get(http, base, "/api/v1/apps/" + ids.get(random.nextInt(ids.size())), token);
        }
        long cpu2 = cpuNanos();
        System.out.printf(
            "| %s | %d | list (50 of %d live) | %s | %.2f |%n",
            kind.name().toLowerCase(java.util.Locale.ROOT),
            apps,
            live(apps),
            stats(listTimes),
            ms((cpu1 - cpu0) / iterations));
        System.out.printf(
            "| %s | %d | status | %s | %.2f |%n",
            kind.name().toLowerCase(java.util.Locale.ROOT),
            apps,
            stats(statusTimes),
            ms((cpu2 - cpu1) / iterations));
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static int live(int apps) {
    int n = 0;
    for (int i = 0; i < apps; i++) {
      if (status(i).isLive()) {
        n++;
      }
    }
    return n;
  }

  private static AppStatus status(int i) {
    return AppStatus.values()[i % AppStatus.values().length];
  }

  private static List<UUID> fill(Operator operator, UUID projectId, int n) {
    List<UUID> ids = new ArrayList<>();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS).minus(n, ChronoUnit.SECONDS);
    operator
        .database()
        .inTransaction(
            c -> {
              for (int i = 0; i < n; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                AppTable.insert(
                    c,
                    new AppRecord(
                        id,
                        "app" + (i % 50),
                        projectId,
                        i % 2 == 0 ? "4g" : "8g",
                        status(i),
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
              }
              return null;
            });
    return ids;
  }

  private static long get(HttpClient http, URI base, String path, String token) throws Exception {
    long start = System.nanoTime();
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    long took = System.nanoTime() - start;
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + r.statusCode());
    }
    return took;
  }

  private static String stats(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format(
        "%.2f | %.2f | %.2f | %.2f",
        ms(s[s.length / 2]),
        ms(s[(int) Math.ceil(s.length * 0.99) - 1]),
        ms(s[s.length - 1]),
        ms(Arrays.stream(s).sum() / s.length));
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
