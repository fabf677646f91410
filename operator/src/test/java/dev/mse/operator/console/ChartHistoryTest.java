package dev.mse.operator.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.apps.DeployRequest;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.Jdbc;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.MutableClock;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The charts come from the database: two operator instances on one PostgreSQL schema (a node
 * provider that runs nothing; the test plays the leader's node) answer the same points at {@code
 * /console/apps/{id}/metrics}, over real HTTP with one console session; only the leader records
 * samples; an instance started after both stopped still has them; the leader's purge forgets them
 * after the retention; a chart reads at most {@link MetricsHistory#MAX_SAMPLES}.
 */
class ChartHistoryTest {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String EMAIL = "owner@example.test";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @Test
  void everyInstanceDrawsTheLeadersSamplesWhichOutliveRestartsUntilPurged() throws Exception {
    try (TestDatabase pg = TestDatabase.postgres()) {
      RecordingNodeProvider[] nodes = new RecordingNodeProvider[3];
      UUID id;
      String session;
      List<JsonNode> before;
      try (Operator a = start(pg, "a", nodes, 0, Optional.empty())) {
        await(a::leads, "a leads");
        try (Operator b = start(pg, "b", nodes, 1, Optional.empty())) {
          Account owner = b.accounts().createAccount(EMAIL, OperatorFixture.PASSWORD);
          Deployments.Deployment d = Deployments.selfMode("charts", b.config().appsDomain());
          Path upload = b.apps().uploadDirectory().resolve("upload.tar");
          Files.write(upload, d.packageBytes());
          AppRecord app =
              b.apps()
                  .deploy(owner.id(), new DeployRequest("default", "4g", d.configBytes(), upload));
          id = app.id();
          UUID appId = id;
          await(
              () -> nodes[0].resumed.stream().anyMatch(s -> s.appId().equals(appId)), "a runs it");
          nodes[0].report(id, NodeState.RUNNING, Optional.empty());

          // (the leader's own job records at most one sample per instant of the test's clock)
          a.apps().recordMetricSamples();
          int already = samples(pg, id);
          // the follower records nothing: the series is the leader's
          nodes[0].metrics.put(id, new NodeMetrics(5, 1, 1, 0.1));
          b.apps().recordMetricSamples();
          assertThat(samples(pg, id)).isEqualTo(already);
          for (int i = 1; i <= 6; i++) {
            nodes[0].metrics.put(id, new NodeMetrics(100L * i, 2.5, 3, 0.5 * i));
            clock.advance(Duration.ofSeconds(10));
            a.apps().recordMetricSamples();
          }
          assertThat(samples(pg, id)).isGreaterThanOrEqualTo(already + 6);
          clock.advance(Duration.ofSeconds(10));

          session = signIn(a.apiUri());
          List<JsonNode> fromA = recorded(a.apiUri(), session, id);
          List<JsonNode> fromB = recorded(b.apiUri(), session, id);
          assertThat(fromA).hasSizeGreaterThanOrEqualTo(5);
          assertThat(fromB).isEqualTo(fromA);
          // 100 requests and 0.5 s of CPU in each 10 s: 10 requests/s, 5 % CPU
          JsonNode last = fromA.getLast();
          assertThat(last.get("requestsPerSecond").asDouble()).isEqualTo(10.0);
          assertThat(last.get("cpuPercent").asDouble()).isCloseTo(5.0, within(1e-9));
          assertThat(last.get("latencyMs").asDouble()).isEqualTo(2.5);
          before = fromA;
        }
      }

      // both stopped; a new instance (which finds the node running) has the same points
      try (Operator c = start(pg, "c", nodes, 2, Optional.of(id))) {
        await(c::leads, "c leads");
        UUID appId = id;
        await(
            () -> nodes[2].resumed.stream().anyMatch(s -> s.appId().equals(appId)), "c adopts it");
        nodes[2].report(id, NodeState.RUNNING, Optional.empty());
        assertThat(points(c.apiUri(), session, id).subList(0, before.size())).isEqualTo(before);

        // bounded: a chart reads at most MAX_SAMPLES samples however many there are
        for (int i = 0; i < MetricsHistory.MAX_SAMPLES + 20; i++) {
          clock.advance(Duration.ofSeconds(1));
          c.apps().recordMetricSamples();
        }
        clock.advance(Duration.ofSeconds(5));
        assertThat(samples(pg, id)).isGreaterThan(MetricsHistory.MAX_SAMPLES + 20);
        assertThat(points(c.apiUri(), session, id)).hasSize(MetricsHistory.MAX_SAMPLES);

        // the leader's purge forgets them after the retention (its job may record new ones)
        clock.advance(AppService.METRICS_RETENTION.plusMinutes(1));
        c.apps().enforceExpiry();
        assertThat(samplesBefore(pg, id, clock.instant().minus(AppService.METRICS_RETENTION)))
            .isZero();
      }
    }
  }

  private Operator start(
      TestDatabase pg, String name, RecordingNodeProvider[] nodes, int i, Optional<UUID> onHost)
      throws Exception {
    OperatorConfig config =
        OperatorConfig.defaults(dir.resolve(name))
            .withDatabaseUrl(pg.url())
            .withApi("127.0.0.1", 0)
            .withCluster(new OperatorConfig.Cluster(true, false));
    return Operator.start(
        config,
        listener -> {
          nodes[i] = new RecordingNodeProvider(listener);
          onHost.ifPresent(id -> nodes[i].onHost.add(new FoundNode(id, true, true)));
          return nodes[i];
        },
        clock);
  }

  private static int samples(TestDatabase pg, UUID id) throws Exception {
    return samplesBefore(pg, id, Instant.parse("9999-01-01T00:00:00Z"));
  }

  private static int samplesBefore(TestDatabase pg, UUID id, Instant before) throws Exception {
    try (var c = java.sql.DriverManager.getConnection(pg.url())) {
      return Jdbc.one(
              c,
              "SELECT COUNT(*) AS n FROM metric_samples WHERE app_id = ? AND at < ?",
              rs -> rs.getInt("n"),
              id,
              before)
          .orElseThrow();
    }
  }

  /** The chart points an instance answers. */
  private List<JsonNode> points(URI api, String session, UUID id) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(api.resolve("/console/apps/" + id + "/metrics"))
                .header("Cookie", session)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(r.body()).get("points").forEach(out::add);
    return out;
  }

  /** The points drawn from recorded samples: all but the last, the reading of the moment. */
  private List<JsonNode> recorded(URI api, String session, UUID id) throws Exception {
    List<JsonNode> all = points(api, session, id);
    return all.subList(0, Math.max(0, all.size() - 1));
  }

  /** Signs in through the console's form: the session cookie (name=value). */
  private String signIn(URI api) throws Exception {
    HttpResponse<String> form =
        http.send(
            HttpRequest.newBuilder(api.resolve("/console/login")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = CSRF.matcher(form.body());
    assertThat(m.find()).isTrue();
    String body =
        "csrf="
            + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8)
            + "&email="
            + URLEncoder.encode(EMAIL, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(OperatorFixture.PASSWORD, StandardCharsets.UTF_8);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(api.resolve("/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie(form, ConsoleHandler.LOGIN_COOKIE))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    return cookie(r, ConsoleHandler.SESSION_COOKIE);
  }

  private static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(0, c.indexOf(';')))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers()));
  }

  private static void await(BooleanSupplier condition, String what) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
