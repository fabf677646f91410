package dev.mse.operator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tables on a real database engine: H2 and PostgreSQL run the same migrations and SQL. */
abstract class AbstractStoreTest {
  @TempDir Path dir;
  TestDatabase test;
  Database db;
  Account alice;
  Project project;
  final Instant t0 = Instant.parse("2026-01-01T00:00:00.123456Z");

  abstract TestDatabase.Kind kind();

  @BeforeEach
  void open() throws Exception {
    test = TestDatabase.create(kind(), dir);
    db = Database.open(test.url());
    alice = new Account(UUID.randomUUID(), "alice@example.com", t0);
    project = new Project(UUID.randomUUID(), "default", "", t0);
    db.inTransaction(
        c -> {
          AccountTable.insert(c, alice, "$argon2id$…");
          ProjectTable.insert(c, project);
          ProjectTable.addMember(c, project.id(), alice.id());
          HardwareTable.put(c, new HardwareOffer("4g", 4096, 2, 1024));
          ProjectTable.setQuota(c, project.id(), "4g", 2);
          return null;
        });
  }

  @AfterEach
  void close() throws Exception {
    db.close();
    test.close();
  }

  private AppRecord app(String name, AppStatus status, Instant created) {
    UUID id = UUID.randomUUID();
    return new AppRecord(
        id,
        name,
        project.id(),
        "4g",
        status,
        SslOrigin.SELF,
        id + ".mse.localhost",
        "{\"x\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "ab".repeat(32),
        Path.of("/data/packages/" + id + ".tar"),
        "com.example.Main",
        "/health",
        created,
        Optional.empty(),
        Optional.empty(),
        created.plus(1, ChronoUnit.DAYS),
        Optional.empty());
  }

  @Test
  void migratesTwiceWithoutHarm() {
    db.close();
    db = Database.open(test.url());
    var v1 = db.read(c -> AccountTable.byId(c, alice.id()));
    assertThat(v1).contains(alice);
  }

  @Test
  void accountsAreUniqueByEmailAndKeepTimesToTheMicrosecond() {
    var v2 = db.read(c -> AccountTable.byEmail(c, "alice@example.com")).orElseThrow().account();
    assertThat(v2).isEqualTo(alice);
    assertThatThrownBy(
            () ->
                db.read(
                    c -> {
                      AccountTable.insert(
                          c, new Account(UUID.randomUUID(), "alice@example.com", t0), "x");
                      return null;
                    }))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.isUniqueViolation()).isTrue());
  }

  @Test
  void tokensAreFoundByHashOnly() {
    ApiToken token =
        new ApiToken(UUID.randomUUID(), alice.id(), "cli", t0, Optional.empty(), Optional.empty());
    db.read(
        c -> {
          TokenTable.insert(c, token, "0".repeat(64));
          return null;
        });
    var v3 = db.read(c -> TokenTable.byHash(c, "0".repeat(64)));
    assertThat(v3).contains(token);
    var v4 = db.read(c -> TokenTable.byHash(c, "1".repeat(64)));
    assertThat(v4).isEmpty();
    db.read(
        c -> {
          TokenTable.touch(c, token.id(), t0.plusSeconds(5));
          return null;
        });
    var v5 = db.read(c -> TokenTable.byHash(c, "0".repeat(64))).orElseThrow().lastUsedAt();
    assertThat(v5).contains(t0.plusSeconds(5));
    var v6 = db.read(c -> TokenTable.delete(c, UUID.randomUUID(), token.id()));
    assertThat(v6).isFalse();
    var v7 = db.read(c -> TokenTable.delete(c, alice.id(), token.id()));
    assertThat(v7).isTrue();
  }

  @Test
  void appsRoundTripAndPageNewestFirst() {
    List<AppRecord> apps = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      // pairs with the same creation time exercise the id tie-break
      apps.add(
          app(
              "app" + (i % 3),
              i % 4 == 0 ? AppStatus.STOPPED : AppStatus.RUNNING,
              t0.plusSeconds(i / 2)));
    }
    db.inTransaction(
        c -> {
          apps.forEach(a -> AppTable.insert(c, a));
          return null;
        });
    AppRecord first = db.read(c -> AppTable.byId(c, apps.getFirst().id())).orElseThrow();
    assertThat(first.deploymentConfig()).isEqualTo(apps.getFirst().deploymentConfig());
    assertThat(first.createdAt()).isEqualTo(t0);
    assertThat(first.packagePath()).isEqualTo(apps.getFirst().packagePath());

    List<UUID> seen = new ArrayList<>();
    Optional<AppTable.Position> after = Optional.empty();
    while (true) {
      Optional<AppTable.Position> from = after;
      List<AppRecord> page =
          db.read(
              c -> AppTable.list(c, List.of(project.id()), Optional.empty(), Set.of(), from, 7));
      page.forEach(a -> seen.add(a.id()));
      if (page.size() < 7) {
        break;
      }
      after = Optional.of(new AppTable.Position(page.getLast().createdAt(), page.getLast().id()));
    }
    assertThat(seen).hasSize(25).doesNotHaveDuplicates();
    // several projects (one index walk each, merged): the same pages
    List<UUID> merged = new ArrayList<>();
    after = Optional.empty();
    List<UUID> projects = List.of(UUID.randomUUID(), project.id(), UUID.randomUUID());
    while (true) {
      Optional<AppTable.Position> from = after;
      List<AppRecord> page =
          db.read(c -> AppTable.list(c, projects, Optional.empty(), Set.of(), from, 7));
      page.forEach(a -> merged.add(a.id()));
      if (page.size() < 7) {
        break;
      }
      after = Optional.of(new AppTable.Position(page.getLast().createdAt(), page.getLast().id()));
    }
    assertThat(merged).isEqualTo(seen);
    List<AppRecord> ordered =
        seen.stream().map(id -> db.read(c -> AppTable.byId(c, id)).orElseThrow()).toList();
    for (int i = 1; i < ordered.size(); i++) {
      assertThat(ordered.get(i).createdAt()).isBeforeOrEqualTo(ordered.get(i - 1).createdAt());
    }
    List<AppRecord> filtered =
        db.read(
            c ->
                AppTable.list(
                    c,
                    List.of(project.id()),
                    Optional.of("app1"),
                    Set.of(AppStatus.RUNNING),
                    Optional.empty(),
                    100));
    assertThat(filtered)
        .allMatch(a -> a.name().equals("app1") && a.status() == AppStatus.RUNNING)
        .isNotEmpty();
    List<AppRecord> otherProject =
        db.read(
            c ->
                AppTable.list(
                    c,
                    List.of(UUID.randomUUID(), UUID.randomUUID()),
                    Optional.empty(),
                    Set.of(),
                    Optional.empty(),
                    100));
    assertThat(otherProject).isEmpty();
    var none =
        db.read(
            c -> AppTable.list(c, List.of(), Optional.empty(), Set.of(), Optional.empty(), 100));
    assertThat(none).isEmpty();
    var v8 = db.read(c -> AppTable.byIdForMember(c, UUID.randomUUID(), first.id()));
    assertThat(v8).isEmpty();
  }

  @Test
  void quotaCountsOnlyLiveAppsAndStatusMovesOnlyForward() {
    AppRecord live = app("a", AppStatus.SPAWNING, t0);
    AppRecord stopped = app("b", AppStatus.STOPPED, t0);
    db.inTransaction(
        c -> {
          AppTable.insert(c, live);
          AppTable.insert(c, stopped);
          return null;
        });
    var v9 = db.inTransaction(c -> ProjectTable.lockQuota(c, project.id(), "4g"));
    assertThat(v9).contains(new Quota("4g", 2, 1));
    var v10 = db.read(c -> ProjectTable.quotas(c, project.id()));
    assertThat(v10).containsExactly(new Quota("4g", 2, 1));
    var v11 = db.read(c -> AppTable.liveHolderOf(c, live.domain()));
    assertThat(v11).contains(live.id());
    var v12 = db.read(c -> AppTable.liveHolderOf(c, stopped.domain()));
    assertThat(v12).isEmpty();

    var v13 = db.read(c -> AppTable.markInitializing(c, live.id(), t0.plusSeconds(2)));
    assertThat(v13).isTrue();
    var v14 = db.read(c -> AppTable.markRunning(c, live.id(), t0.plusSeconds(3)));
    assertThat(v14).isTrue();
    var v15 = db.read(c -> AppTable.markInitializing(c, live.id(), t0.plusSeconds(4)));
    assertThat(v15).isFalse();
    var restart =
        db.read(c -> AppEventTable.recordRestart(c, live.id(), t0.plusSeconds(5), "died"));
    assertThat(restart).isTrue();
    var v16 =
        db.read(c -> AppTable.markStopped(c, live.id(), t0.plusSeconds(9), "stopped by its owner"));
    assertThat(v16).isTrue();
    var v17 = db.read(c -> AppTable.markFailed(c, live.id(), "late", t0.plusSeconds(10)));
    assertThat(v17).isFalse();
    AppRecord after = db.read(c -> AppTable.byId(c, live.id())).orElseThrow();
    assertThat(after.status()).isEqualTo(AppStatus.STOPPED);
    assertThat(after.readyAt()).contains(t0.plusSeconds(3));
    assertThat(after.stoppedAt()).contains(t0.plusSeconds(9));
    // the history: every change once, in order, written with the status
    var history = db.read(c -> AppEventTable.of(c, live.id(), 10));
    assertThat(history)
        .extracting(AppEventTable.Event::status)
        .containsExactly("spawning", "initializing", "running", "restarting", "stopped");
    assertThat(history.get(4).at()).isEqualTo(t0.plusSeconds(9));
    assertThat(history.get(4).detail()).isEqualTo("stopped by its owner");
    boolean late = db.read(c -> AppEventTable.recordRestart(c, live.id(), t0, "late"));
    assertThat(late).isFalse();
    List<AppEventTable.Event> newest = db.read(c -> AppEventTable.of(c, live.id(), 2));
    assertThat(newest)
        .extracting(AppEventTable.Event::status)
        .containsExactly("restarting", "stopped");
    var v18 = db.read(c -> AppTable.expired(c, t0.plus(2, ChronoUnit.DAYS)));
    assertThat(v18).isEmpty();
  }

  @Test
  void aDomainIsClaimedByOneLiveAppAtATime() {
    AppRecord first = app("a", AppStatus.RUNNING, t0);
    AppRecord second =
        new AppRecord(
            UUID.randomUUID(),
            "b",
            project.id(),
            "4g",
            AppStatus.SPAWNING,
            SslOrigin.OWNER,
            first.domain(),
            first.deploymentConfig(),
            first.packageSha256(),
            first.packagePath(),
            first.javaApplication(),
            first.healthcheckEndpoint(),
            t0,
            Optional.empty(),
            Optional.empty(),
            first.expiresAt(),
            Optional.empty());
    db.inTransaction(
        c -> {
          AppTable.insert(c, first);
          AppTable.claimDomain(c, first);
          return null;
        });
    assertThatThrownBy(
            () ->
                db.inTransaction(
                    c -> {
                      AppTable.insert(c, second);
                      AppTable.claimDomain(c, second);
                      return null;
                    }))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.isUniqueViolation()).isTrue());
    var rolledBack = db.read(c -> AppTable.idExists(c, second.id()));
    assertThat(rolledBack).isFalse();
    db.inTransaction(c -> AppTable.markStopped(c, first.id(), t0.plusSeconds(1), "test"));
    db.inTransaction(
        c -> {
          AppTable.insert(c, second);
          AppTable.claimDomain(c, second);
          return null;
        });
    var holder = db.read(c -> AppTable.liveHolderOf(c, first.domain()));
    assertThat(holder).contains(second.id());
  }

  @Test
  void logsAreSavedReplacedAndPurged() {
    AppRecord a = app("a", AppStatus.STOPPED, t0);
    db.inTransaction(
        c -> {
          AppTable.insert(c, a);
          AppLogTable.save(c, a.id(), "one", t0);
          AppLogTable.save(c, a.id(), "two ✓", t0.plusSeconds(1));
          return null;
        });
    var v19 = db.read(c -> AppLogTable.byApp(c, a.id()));
    assertThat(v19).contains(new AppLogTable.SavedLog("two ✓", t0.plusSeconds(1)));
    var v20 = db.read(c -> AppLogTable.purge(c, t0.plusSeconds(2)));
    assertThat(v20).isEqualTo(1);
    var v21 = db.read(c -> AppLogTable.byApp(c, a.id()));
    assertThat(v21).isEmpty();
  }

  @Test
  void chartSamplesAreReadNewestFirstBoundedAndPurged() {
    AppRecord a = app("a", AppStatus.RUNNING, t0);
    AppRecord b = app("b", AppStatus.RUNNING, t0);
    db.inTransaction(
        c -> {
          AppTable.insert(c, a);
          AppTable.insert(c, b);
          return null;
        });
    for (int i = 0; i < 50; i++) {
      Instant at = t0.plusSeconds(10L * i);
      Map<UUID, MetricSampleTable.Sample> batch = new LinkedHashMap<>();
      batch.put(a.id(), new MetricSampleTable.Sample(at, i, 1.5, 2, 100L * i, 200L * i, 0.25 * i));
      batch.put(b.id(), new MetricSampleTable.Sample(at, 7, 0, 0, 0, 0, 0));
      // an app that is not in the database is skipped, the others recorded
      batch.put(UUID.randomUUID(), new MetricSampleTable.Sample(at, 1, 1, 1, 1, 1, 1));
      db.inTransaction(
          c -> {
            MetricSampleTable.record(c, batch);
            return null;
          });
    }
    // bounded: the newest 20 of a's 50, oldest first, exactly as written
    List<MetricSampleTable.Sample> newest = db.read(c -> MetricSampleTable.of(c, a.id(), t0, 20));
    assertThat(newest).hasSize(20);
    assertThat(newest.getFirst())
        .isEqualTo(new MetricSampleTable.Sample(t0.plusSeconds(300), 30, 1.5, 2, 3000, 6000, 7.5));
    assertThat(newest.getLast().at()).isEqualTo(t0.plusSeconds(490));
    // since: only what was taken at or after it
    List<MetricSampleTable.Sample> since =
        db.read(c -> MetricSampleTable.of(c, a.id(), t0.plusSeconds(480), 100));
    assertThat(since).extracting(MetricSampleTable.Sample::requests).containsExactly(48L, 49L);
    // the purge forgets both apps' samples before the cut, and nothing after it
    int purged = db.read(c -> MetricSampleTable.purge(c, t0.plusSeconds(100)));
    assertThat(purged).isEqualTo(20);
    List<MetricSampleTable.Sample> leftA = db.read(c -> MetricSampleTable.of(c, a.id(), t0, 1000));
    List<MetricSampleTable.Sample> leftB = db.read(c -> MetricSampleTable.of(c, b.id(), t0, 1000));
    assertThat(leftA).hasSize(40);
    assertThat(leftB).hasSize(40);
  }

  @Test
  void oauthCodesAreTakenOnce() {
    OAuthCodeTable.Code code =
        new OAuthCodeTable.Code(alice.id(), "c".repeat(43), "http://127.0.0.1:1/", t0, false);
    db.read(
        c -> {
          OAuthCodeTable.insert(c, "f".repeat(64), code);
          return null;
        });
    var v22 = db.inTransaction(c -> OAuthCodeTable.take(c, "f".repeat(64)));
    assertThat(v22).contains(code);
    var v23 = db.inTransaction(c -> OAuthCodeTable.take(c, "f".repeat(64))).orElseThrow().used();
    assertThat(v23).isTrue();
  }
}
