package dev.mse.operator.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.proxy.Route;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppTable;
import dev.mse.operator.store.HardwareOffer;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The proxy's routes follow the apps one at a time ({@link AppService#refreshRoute}) while many
 * apps change at once: deployments, nodes reporting waiting and running, stops and failures, all
 * from different threads, while full rebuilds ({@link AppService#refreshRoutes}) run in a loop.
 * Afterwards every serving app is routed at its node's address and no other app is: an update that
 * read the database before another's commit and applied after it would leave a serving app
 * unroutable (or a stopped one routed).
 */
class RouteRefreshTest {
  private static final int APPS = 24;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void concurrentChangesLeaveEveryServingAppRouted(TestDatabase.Kind kind) throws Exception {
    try (TestDatabase db = TestDatabase.create(kind, dir.resolve("db"))) {
      RecordingNodeProvider[] nodes = new RecordingNodeProvider[1];
      OperatorConfig config =
          OperatorConfig.defaults(dir.resolve("data"))
              .withDatabaseUrl(db.url())
              .withApi("127.0.0.1", 0)
              .withHardware(
                  List.of(
                      new OperatorConfig.Offer(new HardwareOffer("4g", 4096, 2, 1024), APPS * 2)),
                  "4g");
      try (Operator operator =
          Operator.start(
              config,
              listener -> {
                nodes[0] = new RecordingNodeProvider(listener);
                return nodes[0];
              })) {
        AppService apps = operator.apps();
        Account owner = operator.accounts().createAccount("routes@example.test", "route password");
        var project = operator.projects().list(owner.id(), Optional.of("default")).getFirst();
        operator
            .database()
            .read(
                c -> {
                  dev.mse.operator.store.ProjectTable.setQuota(c, project.id(), "4g", APPS * 2);
                  return null;
                });
        List<Deployments.Deployment> deployments = new ArrayList<>();
        for (int i = 0; i < APPS; i++) {
          deployments.add(Deployments.selfMode("app" + i, config.appsDomain()));
        }

        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
          CountDownLatch go = new CountDownLatch(1);
          List<Future<?>> work = new ArrayList<>();
          for (int i = 0; i < APPS; i++) {
            int n = i;
            Deployments.Deployment d = deployments.get(i);
            work.add(
                pool.submit(
                    () -> {
                      go.await();
                      Path upload = apps.uploadDirectory().resolve("upload-" + n + ".tar");
                      Files.write(upload, d.packageBytes());
                      UUID id =
                          apps.deploy(
                                  owner.id(),
                                  new DeployRequest("default", "4g", d.configBytes(), upload))
                              .id();
                      nodes[0].report(id, NodeState.WAITING, Optional.empty());
                      switch (n % 4) {
                        case 0 -> nodes[0].report(id, NodeState.RUNNING, Optional.empty());
                        case 1 -> {
                          nodes[0].report(id, NodeState.RUNNING, Optional.empty());
                          apps.stop(owner.id(), id);
                        }
                        case 2 -> nodes[0].report(id, NodeState.FAILED, Optional.of("crashed"));
                        default -> {} // stays initializing
                      }
                      return null;
                    }));
          }
          // meanwhile full rebuilds, as on a NOTIFY gap or the backstop: one that read before an
          // app's commit must not install its table over the update that read after it
          java.util.concurrent.atomic.AtomicBoolean done =
              new java.util.concurrent.atomic.AtomicBoolean();
          Future<?> rebuilds =
              pool.submit(
                  () -> {
                    go.await();
                    while (!done.get()) {
                      apps.refreshRoutes();
                    }
                    return null;
                  });
          go.countDown();
          for (Future<?> f : work) {
            f.get();
          }
          done.set(true);
          rebuilds.get();
        } finally {
          pool.shutdownNow();
        }

        List<AppRecord> all =
            operator.database().read(AppTable::live).stream()
                .filter(a -> a.status().isLive())
                .toList();
        // cases 0 and 3 serve: half of the apps
        assertThat(all).hasSize(APPS / 2);
        for (AppRecord app : all) {
          Optional<Route> routed = operator.routes().route(app.domain());
          assertThat(routed).as("the route of serving app %s", app.id()).isPresent();
          Route route = routed.get();
          assertThat(route.appId()).isEqualTo(app.id());
          assertThat(route.node()).isEqualTo(nodes[0].address(app.id()).orElseThrow().app());
          assertThat(
                  operator
                      .routes()
                      .route(AppRouteTable.enclaveDomain(app.id(), config.appsDomain())))
              .isPresent();
        }
        // nothing else: two names per serving app
        assertThat(((AppRouteTable) operator.routes()).size()).isEqualTo(2 * all.size());
      }
    }
  }
}
