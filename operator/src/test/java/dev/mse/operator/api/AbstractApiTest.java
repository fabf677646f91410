package dev.mse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.proxy.Route;
import dev.mse.operator.store.AppEventTable;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppTable;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.ApiClient.Res;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.Deployments.Deployment;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The API over real HTTP, on H2 and on PostgreSQL (the subclasses). */
abstract class AbstractApiTest {
  static final String DOMAIN = "mse.localhost";

  @TempDir Path dir;
  OperatorFixture fx;
  ApiClient alice;

  abstract TestDatabase.Kind kind();

  @BeforeEach
  void start() throws Exception {
    fx = OperatorFixture.start(kind(), dir);
    alice = fx.signedIn("alice@example.com");
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  private Res deploy(ApiClient client, Deployment d) throws Exception {
    return client.deploy("default", "4g", d.configBytes(), d.packageBytes());
  }

  private void assertNothingCreated(Res r, int status, String code) throws Exception {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.errorCode()).isEqualTo(code);
    assertThat(r.errorMessage()).isNotBlank().doesNotContain("Exception");
    assertThat(fx.appRows()).isZero();
    assertThat(fx.storedFiles()).isZero();
    assertThat(fx.nodes.started).isEmpty();
  }

  @Test
  void signUpThenLookAtMyself() throws Exception {
    Res created =
        fx.anonymous()
            .post(
                "/api/v1/accounts",
                Map.of("email", "Bob@Example.com", "password", "twelve chars!"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("email").asString()).isEqualTo("bob@example.com");
    assertThat(created.json().has("password")).isFalse();

    Res me = alice.get("/api/v1/users/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("email").asString()).isEqualTo("alice@example.com");
    assertThat(Instant.parse(me.json().get("created_at").asString()))
        .isBefore(Instant.now().plusSeconds(1));
  }

  @Test
  void signUpRefusesShortPasswordsAndTakenEmails() throws Exception {
    Res weak =
        fx.anonymous()
            .post("/api/v1/accounts", Map.of("email", "c@example.com", "password", "short"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.errorCode()).isEqualTo("weak_password");
    Res taken =
        fx.anonymous()
            .post(
                "/api/v1/accounts",
                Map.of("email", "alice@example.com", "password", "long enough pw"));
    assertThat(taken.status()).isEqualTo(409);
  }

  @Test
  void missingOrWrongTokenIsUnauthorizedWithAMessage() throws Exception {
    Res none = fx.anonymous().get("/api/v1/apps");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.errorMessage()).contains("API token");
    assertThat(none.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
    Res wrong = fx.anonymous().withToken("mse_notatoken").get("/api/v1/users/me");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorMessage()).contains("mse cloud login");
    Res basic =
        fx.anonymous()
            .send(fx.anonymous().request("/api/v1/users/me").header("Authorization", "Basic eA=="));
    assertThat(basic.status()).isEqualTo(401);
  }

  @Test
  void tokensAreShownOnceListedAndRevoked() throws Exception {
    Res created = alice.post("/api/v1/tokens", Map.of("name", "laptop"));
    assertThat(created.status()).isEqualTo(201);
    String token = created.json().get("token").asString();
    assertThat(token).startsWith("mse_").hasSize(4 + 43);
    ApiClient laptop = fx.anonymous().withToken(token);
    assertThat(laptop.get("/api/v1/users/me").status()).isEqualTo(200);

    JsonNode list = alice.get("/api/v1/tokens").json().get("items");
    assertThat(list).hasSize(2);
    assertThat(list.toString()).doesNotContain(token);

    String id = created.json().get("id").asString();
    assertThat(alice.delete("/api/v1/tokens/" + id).status()).isEqualTo(204);
    assertThat(laptop.get("/api/v1/users/me").status()).isEqualTo(401);
    assertThat(alice.delete("/api/v1/tokens/" + id).status()).isEqualTo(404);
  }

  @Test
  void projectsQuotasHardwareAndDefaults() throws Exception {
    JsonNode projects = alice.get("/api/v1/projects?name=default").json().get("items");
    assertThat(projects).hasSize(1);
    String id = projects.get(0).get("id").asString();
    assertThat(alice.get("/api/v1/projects/" + id).json().get("name").asString())
        .isEqualTo("default");
    JsonNode quotas = alice.get("/api/v1/projects/" + id + "/quotas").json().get("items");
    assertThat(quotas.toString())
        .isEqualTo(
            "[{\"hardware\":\"4g\",\"max_apps\":3,\"used\":0},{\"hardware\":\"8g\",\"max_apps\":3,\"used\":0}]");

    Res created = alice.post("/api/v1/projects", Map.of("name", "research", "description", "R&D"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(alice.get("/api/v1/projects").json().get("items")).hasSize(2);
    assertThat(alice.post("/api/v1/projects", Map.of("name", "research")).status()).isEqualTo(409);

    ApiClient bob = fx.signedIn("bob@example.com");
    assertThat(bob.get("/api/v1/projects/" + id).status()).isEqualTo(404);
    assertThat(bob.get("/api/v1/projects/" + id + "/quotas").status()).isEqualTo(404);
    assertThat(bob.get("/api/v1/projects/not-a-uuid").status()).isEqualTo(404);

    JsonNode hardware = alice.get("/api/v1/hardware").json().get("items");
    assertThat(hardware.toString())
        .isEqualTo(
            "[{\"name\":\"4g\",\"memory_mb\":4096,\"cores\":2,\"enclave_size_mb\":1024},"
                + "{\"name\":\"8g\",\"memory_mb\":8192,\"cores\":4,\"enclave_size_mb\":2048}]");
    assertThat(alice.get("/api/v1/hardware/8g").json().get("cores").asInt()).isEqualTo(4);
    assertThat(alice.get("/api/v1/hardware/64g").status()).isEqualTo(404);

    JsonNode defaults = fx.anonymous().get("/api/v1/defaults").json();
    assertThat(defaults.get("project").asString()).isEqualTo("default");
    assertThat(defaults.get("hardware").asString()).isEqualTo("4g");
    assertThat(defaults.get("apps_domain").asString()).isEqualTo(DOMAIN);
    assertThat(defaults.get("proxy_port").asInt()).isEqualTo(8443);
    assertThat(defaults.get("max_package_bytes").asLong()).isEqualTo(256L * 1024 * 1024);
  }

  @Test
  void deployStoresThePackageAndStartsTheNode() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    Res r = deploy(alice, d);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode app = r.json();
    UUID id = d.appId();
    assertThat(app.get("id").asString()).isEqualTo(id.toString());
    assertThat(app.get("name").asString()).isEqualTo("hello");
    assertThat(app.get("status").asString()).isEqualTo("spawning");
    assertThat(app.get("ssl_origin").asString()).isEqualTo("self");
    assertThat(app.get("domain").asString()).isEqualTo(id + "." + DOMAIN);
    assertThat(app.get("enclave_domain").asString()).isEqualTo(id + ".enclave." + DOMAIN);
    assertThat(app.get("url").asString()).isEqualTo("https://" + id + "." + DOMAIN + ":8443/");
    assertThat(app.get("java_application").asString()).isEqualTo("com.example.Main");
    assertThat(app.get("healthcheck_endpoint").asString()).isEqualTo("/health");
    assertThat(app.get("ready_at").isNull()).isTrue();
    assertThat(app.get("expires_at").asString()).isEqualTo(d.config().expires().toString());

    Path stored = fx.config.dataDir().resolve("packages").resolve(id + ".tar");
    assertThat(Files.readAllBytes(stored)).isEqualTo(d.packageBytes());
    assertThat(fx.nodes.started).hasSize(1);
    NodeSpec spec = fx.nodes.started.getFirst();
    assertThat(spec.appId()).isEqualTo(id);
    assertThat(spec.deploymentConfig()).isEqualTo(d.configBytes());
    assertThat(spec.packageFile()).isEqualTo(stored);
    assertThat(spec.enclaveSizeMb()).isEqualTo(1024);
    assertThat(spec.cores()).isEqualTo(2);
    assertThat(spec.expires()).isEqualTo(d.config().expires());
    assertThat(alice.get("/api/v1/apps/" + id).json().get("status").asString())
        .isEqualTo("spawning");
    assertThat(fx.config.dataDir().resolve("uploads")).isEmptyDirectory();
  }

  @Test
  void nodeStatesMoveTheAppAndItsRoutes() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    assertThat(deploy(alice, d).status()).isEqualTo(201);
    UUID id = d.appId();
    String domain = id + "." + DOMAIN;
    assertThat(fx.operator.routes().route(domain)).isEmpty();

    fx.nodes.report(id, NodeState.WAITING, Optional.empty());
    assertThat(alice.get("/api/v1/apps/" + id).json().get("status").asString())
        .isEqualTo("initializing");
    Route route = fx.operator.routes().route(domain).orElseThrow();
    assertThat(route.mode()).isEqualTo(Route.Mode.PASSTHROUGH);
    assertThat(route.appId()).isEqualTo(id);
    assertThat(route.configSha256()).isEqualTo(d.config().sha256());
    NodeAddress node = fx.nodes.address(id).orElseThrow();
    // the app's name reaches the app's own TLS server; the enclave name reaches the runtime
    assertThat(route.node()).isEqualTo(node.app());
    assertThat(route.enclave()).isEqualTo(node.enclave());
    Route enclave = fx.operator.routes().route(id + ".enclave." + DOMAIN).orElseThrow();
    assertThat(enclave.node()).isEqualTo(node.enclave());
    assertThat(enclave.mode()).isEqualTo(Route.Mode.PASSTHROUGH);

    fx.nodes.report(id, NodeState.RUNNING, Optional.empty());
    JsonNode running = alice.get("/api/v1/apps/" + id).json();
    assertThat(running.get("status").asString()).isEqualTo("running");
    assertThat(running.get("ready_at").isNull()).isFalse();

    fx.nodes.metrics.put(id, new NodeMetrics(10, 2.5, 1, 0.75, 335_544_320, 134_217_728));
    fx.operator.traffic().connectionOpened(id);
    fx.operator.traffic().connectionOpened(id);
    fx.operator.traffic().connectionClosed(id, 100, 2000);
    JsonNode m = alice.get("/api/v1/apps/" + id + "/metrics").json();
    assertThat(m.toString())
        .isEqualTo(
            "{\"requests\":10,\"average_latency_ms\":2.5,\"active_connections\":1,"
                + "\"connections\":2,\"bytes_in\":100,\"bytes_out\":2000,\"cpu_seconds\":0.75,"
                + "\"heap_max_bytes\":335544320,\"direct_max_bytes\":134217728}");

    fx.nodes.logs.put(id, "hello from the node\n");
    assertThat(alice.get("/api/v1/apps/" + id + "/logs").json().get("stdout").asString())
        .isEqualTo("hello from the node\n");

    // its runtime died and the node restarts: the app stays running, its history says so
    fx.nodes.report(id, NodeState.SPAWNING, Optional.empty());
    fx.nodes.report(id, NodeState.RUNNING, Optional.empty());
    assertThat(alice.get("/api/v1/apps/" + id).json().get("status").asString())
        .isEqualTo("running");

    fx.nodes.report(id, NodeState.FAILED, Optional.of("healthcheck never answered"));
    JsonNode failed = alice.get("/api/v1/apps/" + id).json();
    assertThat(failed.get("status").asString()).isEqualTo("on_error");
    assertThat(failed.get("failure").asString()).isEqualTo("healthcheck never answered");
    assertThat(fx.operator.routes().route(domain)).isEmpty();
    AppRecord app = fx.operator.database().read(c -> AppTable.byId(c, id)).orElseThrow();
    assertThat(fx.operator.apps().history(app, 100))
        .extracting(AppEventTable.Event::status, AppEventTable.Event::detail)
        .containsExactly(
            tuple("spawning", "deployed"),
            tuple("initializing", ""),
            tuple("running", ""),
            tuple("restarting", "the runtime stopped; the node restarts"),
            tuple("on_error", "healthcheck never answered"));
  }

  @Test
  void operatorModeTerminatesOnItsDomainAndPassesThroughOnTheEnclaveName() throws Exception {
    UUID id = UUID.randomUUID();
    Deployment d =
        Deployments.deployment(
            id,
            "op",
            SslOrigin.OPERATOR,
            id + "." + DOMAIN,
            Instant.now().plus(1, ChronoUnit.DAYS),
            Optional.empty());
    assertThat(deploy(alice, d).status()).isEqualTo(201);
    fx.nodes.report(id, NodeState.WAITING, Optional.empty());
    Route terminated = fx.operator.routes().route(id + "." + DOMAIN).orElseThrow();
    assertThat(terminated.mode()).isEqualTo(Route.Mode.TERMINATE);
    // re-encrypted to the app port, checked against evidence from the enclave port
    assertThat(terminated.node()).isEqualTo(fx.nodes.address(id).orElseThrow().app());
    assertThat(terminated.enclave()).isEqualTo(fx.nodes.address(id).orElseThrow().enclave());
    assertThat(fx.operator.routes().route(id + ".enclave." + DOMAIN).orElseThrow().mode())
        .isEqualTo(Route.Mode.PASSTHROUGH);
  }

  @Test
  void stopSavesTheLogsWhichExpireAfterFourDays() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    deploy(alice, d);
    UUID id = d.appId();
    fx.nodes.report(id, NodeState.RUNNING, Optional.empty());
    fx.nodes.logs.put(id, "last words\n");

    Res stopped = alice.postEmpty("/api/v1/apps/" + id + "/stop");
    assertThat(stopped.status()).isEqualTo(202);
    assertThat(stopped.json().get("status").asString()).isEqualTo("stopped");
    assertThat(stopped.json().get("stopped_at").isNull()).isFalse();
    assertThat(fx.nodes.stopped).containsExactly(id);

    fx.nodes.logs.remove(id);
    assertThat(alice.get("/api/v1/apps/" + id + "/logs").json().get("stdout").asString())
        .isEqualTo("last words\n");
    // stopping again changes nothing
    assertThat(alice.postEmpty("/api/v1/apps/" + id + "/stop").status()).isEqualTo(202);
    assertThat(fx.nodes.stopped).containsExactly(id);

    fx.clock.advance(Duration.ofDays(5));
    fx.operator.apps().enforceExpiry();
    Res gone = alice.get("/api/v1/apps/" + id + "/logs");
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.errorCode()).isEqualTo("logs_expired");
    assertThat(gone.errorMessage()).contains("4 days");
  }

  @Test
  void expiredAppsAreStopped() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    deploy(alice, d);
    fx.nodes.report(d.appId(), NodeState.RUNNING, Optional.empty());
    fx.operator.apps().enforceExpiry();
    assertThat(fx.nodes.stopped).isEmpty();
    fx.clock.advance(Duration.ofDays(31));
    fx.operator.apps().enforceExpiry();
    assertThat(fx.nodes.stopped).containsExactly(d.appId());
    assertThat(alice.get("/api/v1/apps/" + d.appId()).json().get("status").asString())
        .isEqualTo("stopped");
  }

  @Test
  void restartResumesLiveApps() throws Exception {
    Deployment live = Deployments.selfMode("live", DOMAIN);
    Deployment ended = Deployments.selfMode("ended", DOMAIN);
    deploy(alice, live);
    deploy(alice, ended);
    fx.nodes.report(live.appId(), NodeState.RUNNING, Optional.empty());
    alice.postEmpty("/api/v1/apps/" + ended.appId() + "/stop");
    fx.stopOperator();
    assertThat(fx.nodes.closed).isTrue();

    // the live app's node outlived the operator: its runtime runs
    OperatorFixture again =
        OperatorFixture.start(
            fx.database, fx.config, fx.clock, List.of(new FoundNode(live.appId(), true, true)));
    try {
      assertThat(again.nodes.resumed).extracting(NodeSpec::appId).containsExactly(live.appId());
      assertThat(again.nodes.resumed.getFirst().deploymentConfig()).isEqualTo(live.configBytes());
      assertThat(again.operator.routes().route(live.appId() + "." + DOMAIN)).isPresent();
    } finally {
      again.stopOperator();
    }
  }

  @Test
  void listFiltersAndPages() throws Exception {
    Deployment a = Deployments.selfMode("a", DOMAIN);
    Deployment b = Deployments.selfMode("b", DOMAIN);
    Deployment c = Deployments.selfMode("a", DOMAIN);
    for (Deployment d : new Deployment[] {a, b, c}) {
      assertThat(deploy(alice, d).status()).isEqualTo(201);
      fx.clock.advance(Duration.ofSeconds(1));
    }
    alice.postEmpty("/api/v1/apps/" + b.appId() + "/stop");

    JsonNode all = alice.get("/api/v1/apps").json();
    assertThat(all.get("items"))
        .extracting(n -> n.get("id").asString())
        .containsExactly(c.appId().toString(), b.appId().toString(), a.appId().toString());
    assertThat(all.get("next_cursor").isNull()).isTrue();

    assertThat(alice.get("/api/v1/apps?name=a").json().get("items")).hasSize(2);
    assertThat(
            alice
                .get("/api/v1/apps?status=spawning,initializing,running&project=default")
                .json()
                .get("items"))
        .extracting(n -> n.get("id").asString())
        .containsExactly(c.appId().toString(), a.appId().toString());
    assertThat(alice.get("/api/v1/apps?status=stopped").json().get("items")).hasSize(1);

    JsonNode page1 = alice.get("/api/v1/apps?limit=2").json();
    assertThat(page1.get("items")).hasSize(2);
    String cursor = page1.get("next_cursor").asString();
    JsonNode page2 = alice.get("/api/v1/apps?limit=2&cursor=" + cursor).json();
    assertThat(page2.get("items"))
        .extracting(n -> n.get("id").asString())
        .containsExactly(a.appId().toString());
    assertThat(page2.get("next_cursor").isNull()).isTrue();

    assertThat(alice.get("/api/v1/apps?status=sleeping").status()).isEqualTo(400);
    assertThat(alice.get("/api/v1/apps?limit=201").status()).isEqualTo(400);
    assertThat(alice.get("/api/v1/apps?cursor=zzz").status()).isEqualTo(400);
    assertThat(alice.get("/api/v1/apps?project=nope").status()).isEqualTo(404);

    ApiClient bob = fx.signedIn("bob@example.com");
    assertThat(bob.get("/api/v1/apps").json().get("items")).isEmpty();
    // another account's project, by id or by name: not found, never its apps
    String aliceProject = all.get("items").get(0).get("project_id").asString();
    assertThat(bob.get("/api/v1/apps?project=" + aliceProject).status()).isEqualTo(404);
    assertThat(bob.get("/api/v1/apps?project=default&name=a").json().get("items")).isEmpty();
  }

  @Test
  void anotherProjectsAppIsNotFound() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    deploy(alice, d);
    ApiClient bob = fx.signedIn("bob@example.com");
    for (String path : new String[] {"", "/logs", "/metrics"}) {
      Res r = bob.get("/api/v1/apps/" + d.appId() + path);
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("app_not_found");
    }
    assertThat(bob.postEmpty("/api/v1/apps/" + d.appId() + "/stop").status()).isEqualTo(404);
    assertThat(fx.nodes.stopped).isEmpty();
    // and bob cannot deploy into alice's project by its id
    String aliceProject =
        alice.get("/api/v1/projects?name=default").json().get("items").get(0).get("id").asString();
    Deployment e = Deployments.selfMode("intruder", DOMAIN);
    Res r = bob.deploy(aliceProject, "4g", e.configBytes(), e.packageBytes());
    assertThat(r.status()).isEqualTo(404);
    assertThat(fx.appRows()).isEqualTo(1);
  }

  @Test
  void refusesMalformedDeploymentConfig() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    String json = new String(d.configBytes(), StandardCharsets.UTF_8);
    byte[] spaced = json.replace("\":", "\": ").getBytes(StandardCharsets.UTF_8);
    assertNothingCreated(
        alice.deploy("default", "4g", spaced, d.packageBytes()), 400, "invalid_deployment_config");
    assertNothingCreated(
        alice.deploy("default", "4g", "{}".getBytes(StandardCharsets.UTF_8), d.packageBytes()),
        400,
        "invalid_deployment_config");
  }

  @Test
  void refusesUnknownHardwareAndProject() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    assertNothingCreated(
        alice.deploy("default", "64g", d.configBytes(), d.packageBytes()), 400, "unknown_hardware");
    assertNothingCreated(
        alice.deploy("nope", "4g", d.configBytes(), d.packageBytes()), 404, "project_not_found");
  }

  @Test
  void refusesAPackageThatIsNotTheConfigsOrNotAPackage() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    assertNothingCreated(
        alice.deploy("default", "4g", d.configBytes(), Deployments.packageBytes("other")),
        400,
        "package_mismatch");
    byte[] junk = "not a tar".getBytes(StandardCharsets.UTF_8);
    UUID id = UUID.randomUUID();
    Deployment withJunk =
        new Deployment(
            new dev.mse.protocol.deploy.DeploymentConfig(
                id,
                "junk",
                "com.example.Main",
                Optional.empty(),
                "/health",
                SslOrigin.SELF,
                id + "." + DOMAIN,
                d.config().expires(),
                d.config().ownerPublicKey(),
                dev.mse.attestation.codec.ByteString.of(junk).sha256(),
                Optional.empty(),
                dev.mse.attestation.ratls.AppTls.APP),
            junk);
    assertNothingCreated(deploy(alice, withJunk), 400, "invalid_package");
  }

  @Test
  void refusesQuotaExceededWithTheNumbers() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(deploy(alice, Deployments.selfMode("app" + i, DOMAIN)).status()).isEqualTo(201);
    }
    Res r = deploy(alice, Deployments.selfMode("one too many", DOMAIN));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("quota_exceeded");
    assertThat(r.errorMessage())
        .isEqualTo("Project 'default' has no '4g' capacity left (3 of 3 in use).");
    assertThat(fx.appRows()).isEqualTo(3);
    assertThat(fx.storedFiles()).isEqualTo(3);
    assertThat(fx.nodes.started).hasSize(3);
  }

  @Test
  void concurrentDeploymentsCannotOvershootTheQuota() throws Exception {
    assertThat(deploy(alice, Deployments.selfMode("a", DOMAIN)).status()).isEqualTo(201);
    assertThat(deploy(alice, Deployments.selfMode("b", DOMAIN)).status()).isEqualTo(201);
    List<Deployment> racers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      racers.add(Deployments.selfMode("racer" + i, DOMAIN));
    }
    List<Future<Res>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Deployment d : racers) {
        results.add(pool.submit(() -> deploy(alice, d)));
      }
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Res> f : results) {
      statuses.add(f.get().status());
    }
    assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
    assertThat(fx.appRows()).isEqualTo(3);
    assertThat(fx.storedFiles()).isEqualTo(3);
  }

  @Test
  void refusesExpiryInThePastOrBeyondTheLimit() throws Exception {
    UUID id = UUID.randomUUID();
    Deployment past =
        Deployments.deployment(
            id,
            "old",
            SslOrigin.SELF,
            id + "." + DOMAIN,
            Instant.now().minusSeconds(60),
            Optional.empty());
    assertNothingCreated(deploy(alice, past), 400, "invalid_expiry");
    Deployment far =
        Deployments.deployment(
            id,
            "far",
            SslOrigin.SELF,
            id + "." + DOMAIN,
            Instant.now().plus(400, ChronoUnit.DAYS),
            Optional.empty());
    Res r = deploy(alice, far);
    assertNothingCreated(r, 400, "invalid_expiry");
    assertThat(r.errorMessage()).contains("365 days");
  }

  @Test
  void refusesExpiryAfterTheOwnerCertificate() throws Exception {
    UUID id = UUID.randomUUID();
    String chain =
        Deployments.ownerChain("shop.example.com", Instant.now().plus(10, ChronoUnit.DAYS));
    Deployment d =
        Deployments.deployment(
            id,
            "shop",
            SslOrigin.OWNER,
            "shop.example.com",
            Instant.now().plus(20, ChronoUnit.DAYS),
            Optional.of(chain));
    Res r = deploy(alice, d);
    assertNothingCreated(r, 400, "invalid_expiry");
    assertThat(r.errorMessage()).contains("owner certificate");
  }

  @Test
  void refusesDomainsThatAreNotTheApps() throws Exception {
    UUID id = UUID.randomUUID();
    Deployment other =
        Deployments.deployment(
            id,
            "x",
            SslOrigin.SELF,
            "shop.example.com",
            Instant.now().plus(1, ChronoUnit.DAYS),
            Optional.empty());
    assertNothingCreated(deploy(alice, other), 400, "invalid_domain");
    String chain = Deployments.ownerChain("x", Instant.now().plus(10, ChronoUnit.DAYS));
    Deployment squatting =
        Deployments.deployment(
            id,
            "x",
            SslOrigin.OWNER,
            "victim." + DOMAIN,
            Instant.now().plus(1, ChronoUnit.DAYS),
            Optional.of(chain));
    assertNothingCreated(deploy(alice, squatting), 400, "invalid_domain");
  }

  @Test
  void refusesADomainHeldByALiveApp() throws Exception {
    Instant expires = Instant.now().plus(5, ChronoUnit.DAYS);
    String chain = Deployments.ownerChain("shop.example.com", expires.plus(1, ChronoUnit.DAYS));
    Deployment first =
        Deployments.deployment(
            UUID.randomUUID(),
            "shop",
            SslOrigin.OWNER,
            "shop.example.com",
            expires,
            Optional.of(chain));
    assertThat(deploy(alice, first).status()).isEqualTo(201);
    ApiClient bob = fx.signedIn("bob@example.com");
    Deployment second =
        Deployments.deployment(
            UUID.randomUUID(),
            "shop",
            SslOrigin.OWNER,
            "shop.example.com",
            expires,
            Optional.of(chain));
    Res r = deploy(bob, second);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("domain_taken");
    assertThat(fx.appRows()).isEqualTo(1);
    assertThat(fx.storedFiles()).isEqualTo(1);

    // once the first app stops, the domain is free again
    alice.postEmpty("/api/v1/apps/" + first.appId() + "/stop");
    assertThat(deploy(bob, second).status()).isEqualTo(201);
  }

  @Test
  void concurrentDeploymentsCannotShareADomain() throws Exception {
    Instant expires = Instant.now().plus(5, ChronoUnit.DAYS);
    String chain = Deployments.ownerChain("shop.example.com", expires.plus(1, ChronoUnit.DAYS));
    List<ApiClient> clients =
        List.of(alice, fx.signedIn("bob@example.com"), fx.signedIn("carol@example.com"));
    List<Future<Res>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (ApiClient client : clients) {
        Deployment d =
            Deployments.deployment(
                UUID.randomUUID(),
                "shop",
                SslOrigin.OWNER,
                "shop.example.com",
                expires,
                Optional.of(chain));
        results.add(pool.submit(() -> deploy(client, d)));
      }
    }
    List<String> outcomes = new ArrayList<>();
    for (Future<Res> f : results) {
      Res r = f.get();
      outcomes.add(r.status() == 201 ? "201" : r.status() + " " + r.errorCode());
    }
    assertThat(outcomes).containsOnlyOnce("201").containsOnly("201", "409 domain_taken");
    assertThat(fx.appRows()).isEqualTo(1);
    assertThat(fx.storedFiles()).isEqualTo(1);
  }

  @Test
  void refusesAReusedAppIdAndKeepsTheFirstPackage() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    assertThat(deploy(alice, d).status()).isEqualTo(201);
    Res again = deploy(alice, d);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("app_exists");
    assertThat(fx.config.dataDir().resolve("packages").resolve(d.appId() + ".tar")).exists();
    assertThat(fx.storedFiles()).isEqualTo(1);
  }

  @Test
  void refusesDeployWithoutToken() throws Exception {
    Deployment d = Deployments.selfMode("hello", DOMAIN);
    assertNothingCreated(deploy(fx.anonymous(), d), 401, "unauthorized");
  }

  @Test
  void refusesMissingPartsAndWrongContentType() throws Exception {
    Res r =
        alice.multipart(
            "/api/v1/apps",
            Map.of(
                "project",
                new ApiClient.Part(
                    "text/plain", null, "default".getBytes(StandardCharsets.UTF_8))));
    assertNothingCreated(r, 400, "missing_part");
    Res json = alice.post("/api/v1/apps", Map.of("project", "default"));
    assertNothingCreated(json, 415, "unsupported_media_type");
  }

  @Test
  void unknownPathsAndMethodsAreJsonErrors() throws Exception {
    Res r = alice.get("/api/v1/nothing");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
    Res m = alice.delete("/api/v1/apps");
    assertThat(m.status()).isEqualTo(405);
    assertThat(alice.get("/api/v1/apps/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(alice.get("/api/v1/apps/nonsense").status()).isEqualTo(404);
  }

  @Test
  void theQuotaIsPerAccountNotPerProject() throws Exception {
    // finding 10: every project used to bring a fresh quota, so more projects meant more apps
    for (int i = 0; i < 3; i++) {
      assertThat(deploy(alice, Deployments.selfMode("app" + i, DOMAIN)).status()).isEqualTo(201);
    }
    assertThat(alice.post("/api/v1/projects", Map.of("name", "second")).status()).isEqualTo(201);
    Deployment more = Deployments.selfMode("in another project", DOMAIN);
    Res r = alice.deploy("second", "4g", more.configBytes(), more.packageBytes());
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("quota_exceeded");
    assertThat(r.errorMessage()).contains("3 of 3", "across your projects");
    assertThat(fx.appRows()).isEqualTo(3);
    // another account has its own quota
    ApiClient bob = fx.signedIn("bob@example.com");
    assertThat(deploy(bob, Deployments.selfMode("bob's", DOMAIN)).status()).isEqualTo(201);
  }

  @Test
  void concurrentDeploymentsInManyProjectsCannotOvershootTheAccountQuota() throws Exception {
    List<String> projects = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      projects.add("p" + i);
      assertThat(alice.post("/api/v1/projects", Map.of("name", "p" + i)).status()).isEqualTo(201);
    }
    List<Future<Res>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String project : projects) {
        Deployment d = Deployments.selfMode("racer in " + project, DOMAIN);
        results.add(
            pool.submit(() -> alice.deploy(project, "4g", d.configBytes(), d.packageBytes())));
      }
    }
    List<String> outcomes = new ArrayList<>();
    for (Future<Res> f : results) {
      Res r = f.get();
      outcomes.add(r.status() == 201 ? "201" : r.status() + " " + r.errorCode());
    }
    assertThat(outcomes).containsOnly("201", "409 quota_exceeded");
    assertThat(outcomes.stream().filter("201"::equals).count()).isEqualTo(3);
    assertThat(fx.appRows()).isEqualTo(3);
  }

  @Test
  void anAccountHasAtMostTheConfiguredNumberOfProjects() throws Exception {
    int max = fx.config.limits().projectsPerAccount();
    for (int i = 1; i < max; i++) {
      assertThat(alice.post("/api/v1/projects", Map.of("name", "p" + i)).status()).isEqualTo(201);
    }
    Res r = alice.post("/api/v1/projects", Map.of("name", "one too many"));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("project_limit");
    assertThat(alice.get("/api/v1/projects").json().get("items")).hasSize(max);
    ApiClient bob = fx.signedIn("bob@example.com");
    assertThat(bob.post("/api/v1/projects", Map.of("name", "p1")).status()).isEqualTo(201);
  }

  @Test
  void aCustomDomainNeedsATrustedCertificateThatNamesIt() throws Exception {
    // finding 12: a self-signed certificate, or one for another name, claimed any domain
    Instant expires = Instant.now().plus(5, ChronoUnit.DAYS);
    Instant notAfter = expires.plus(1, ChronoUnit.DAYS);
    Map<String, String> refused =
        Map.of(
            "self-signed for the domain",
            Deployments.selfSignedChain("www.victim-bank.example", notAfter),
            "trusted, for another name",
            Deployments.ownerChain("www.attacker.example", notAfter),
            "trusted, wildcard one level too high",
            Deployments.ownerChain("*.example", notAfter),
            "from another CA",
            new dev.mse.operator.testing.TestCa("CN=other CA")
                .issue("www.victim-bank.example", notAfter));
    for (var e : refused.entrySet()) {
      Deployment squat =
          Deployments.deployment(
              UUID.randomUUID(),
              "bank",
              SslOrigin.OWNER,
              "www.victim-bank.example",
              expires,
              Optional.of(e.getValue()));
      Res r = deploy(alice, squat);
      assertThat(r.status()).as(e.getKey()).isEqualTo(400);
      assertThat(r.errorCode()).as(e.getKey()).isEqualTo("domain_not_proven");
    }
    assertThat(fx.appRows()).isZero();
    assertThat(fx.storedFiles()).isZero();
    Deployment wildcard =
        Deployments.deployment(
            UUID.randomUUID(),
            "bank",
            SslOrigin.OWNER,
            "www.victim-bank.example",
            expires,
            Optional.of(Deployments.ownerChain("*.victim-bank.example", notAfter)));
    assertThat(deploy(alice, wildcard).status()).isEqualTo(201);
  }
}
