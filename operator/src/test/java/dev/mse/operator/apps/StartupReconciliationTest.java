package dev.mse.operator.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.Operator;
import dev.mse.operator.node.FoundNode;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.store.AppTable;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.Deployments.Deployment;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator killed at the wrong moment leaves on its host, and what the next start makes of
 * it: leftovers no app owns are removed, apps whose node vanished restart or fail.
 */
class StartupReconciliationTest {
  private static final String DOMAIN = "mse.localhost";

  @TempDir Path dir;

  @Test
  void removesWhatNoAppOwnsAndSettlesAppsWhoseNodeVanished() throws Exception {
    OperatorFixture fx = OperatorFixture.start(TestDatabase.Kind.H2, dir);
    ApiClient alice = fx.signedIn("alice@example.test");
    Deployment lost = deploy(alice, "lost"); // running; its node and sealed state vanish
    Deployment early = deploy(alice, "early"); // not serving yet; its node vanishes
    Deployment sealed = deploy(alice, "sealed"); // running; its runtime died, its state is kept
    fx.nodes.report(lost.appId(), NodeState.RUNNING, Optional.empty());
    fx.nodes.report(sealed.appId(), NodeState.RUNNING, Optional.empty());
    fx.stopOperator();

    // The host as a killed operator could leave it.
    Path data = fx.config.dataDir();
    Path upload = Files.writeString(data.resolve("uploads").resolve("upload-123.tmp"), "half");
    UUID orphan = UUID.randomUUID();
    Path orphanPackage = Files.writeString(data.resolve("packages").resolve(orphan + ".tar"), "x");
    Path stranger = Files.writeString(data.resolve("packages").resolve("README"), "not ours");
    List<FoundNode> onHost =
        List.of(
            new FoundNode(orphan, true, false),
            new FoundNode(sealed.appId(), false, true),
            new FoundNode(early.appId(), false, false));

    AtomicReference<RecordingNodeProvider> nodes = new AtomicReference<>();
    try (Operator again =
        Operator.start(
            fx.config,
            listener -> {
              RecordingNodeProvider p = new RecordingNodeProvider(listener);
              p.onHost.addAll(onHost);
              nodes.set(p);
              return p;
            })) {
      RecordingNodeProvider provider = nodes.get();
      assertThat(upload).doesNotExist();
      assertThat(orphanPackage).doesNotExist();
      assertThat(stranger).exists();
      assertThat(provider.discarded).containsExactly(orphan);
      for (Deployment d : List.of(early, sealed)) {
        assertThat(data.resolve("packages").resolve(d.appId() + ".tar")).exists();
      }
      // a failed app keeps nothing but its row and logs (its package goes with its node)
      assertThat(data.resolve("packages").resolve(lost.appId() + ".tar")).doesNotExist();
      assertThat(provider.resumed)
          .extracting(NodeSpec::appId)
          .containsExactlyInAnyOrder(early.appId(), sealed.appId());
      AppRecord failed = row(again, lost.appId());
      assertThat(failed.status()).isEqualTo(AppStatus.ON_ERROR);
      assertThat(failed.failure()).hasValueSatisfying(f -> assertThat(f).contains("were lost"));
      assertThat(row(again, sealed.appId()).status()).isEqualTo(AppStatus.RUNNING);
      assertThat(row(again, early.appId()).status()).isEqualTo(AppStatus.SPAWNING);
    } finally {
      fx.database.close();
    }
  }

  @Test
  void stopsTheRuntimeOfAnAppThatHasEnded() throws Exception {
    OperatorFixture fx = OperatorFixture.start(TestDatabase.Kind.H2, dir);
    ApiClient alice = fx.signedIn("alice@example.test");
    Deployment ended = deploy(alice, "ended");
    Deployment idle = deploy(alice, "idle");
    assertThat(alice.postEmpty("/api/v1/apps/" + ended.appId() + "/stop").status()).isEqualTo(202);
    assertThat(alice.postEmpty("/api/v1/apps/" + idle.appId() + "/stop").status()).isEqualTo(202);
    fx.stopOperator();

    AtomicReference<RecordingNodeProvider> nodes = new AtomicReference<>();
    try (Operator again =
        Operator.start(
            fx.config,
            listener -> {
              RecordingNodeProvider p = new RecordingNodeProvider(listener);
              // killed between stopping the app in the database and stopping its runtime
              p.onHost.add(new FoundNode(ended.appId(), true, true));
              // stopped: only its directory (and log) is left
              p.onHost.add(new FoundNode(idle.appId(), false, false));
              nodes.set(p);
              return p;
            })) {
      assertThat(nodes.get().discarded).containsExactly(ended.appId());
      assertThat(nodes.get().resumed).isEmpty();
    } finally {
      fx.database.close();
    }
  }

  private static AppRecord row(Operator operator, UUID id) {
    return operator.database().read(c -> AppTable.byId(c, id)).orElseThrow();
  }

  private static Deployment deploy(ApiClient client, String name) throws Exception {
    Deployment d = Deployments.selfMode(name, DOMAIN);
    assertThat(client.deploy("default", "4g", d.configBytes(), d.packageBytes()).status())
        .isEqualTo(201);
    return d;
  }
}
