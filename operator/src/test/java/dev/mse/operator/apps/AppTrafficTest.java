package dev.mse.operator.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.store.Account;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The proxy's counters outlive the process that counted them and add up across instances. */
class AppTrafficTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void countersAreKeptInTheDatabaseAndAddUp(TestDatabase.Kind kind) throws Exception {
    try (TestDatabase db = TestDatabase.create(kind, dir.resolve("db"))) {
      OperatorConfig config =
          OperatorConfig.defaults(dir.resolve("data"))
              .withDatabaseUrl(db.url())
              .withApi("127.0.0.1", 0);
      UUID id;
      try (Operator operator = Operator.start(config, RecordingNodeProvider::new)) {
        Account owner =
            operator.accounts().createAccount("owner@example.test", "correct horse battery");
        Deployments.Deployment d = Deployments.selfMode("counted", config.appsDomain());
        Path upload = operator.apps().uploadDirectory().resolve("upload.tar");
        Files.write(upload, d.packageBytes());
        id =
            operator
                .apps()
                .deploy(owner.id(), new DeployRequest("default", "4g", d.configBytes(), upload))
                .id();

        AppTraffic first = new AppTraffic(operator.database());
        AppTraffic second = new AppTraffic(operator.database());
        first.connectionOpened(id);
        first.connectionClosed(id, 100, 1000);
        first.connectionOpened(id); // still open
        second.connectionOpened(id);
        second.connectionClosed(id, 5, 50);
        assertThat(first.snapshot(id)).isEqualTo(new AppTraffic.Snapshot(2, 1, 100, 1000));

        first.flush();
        second.flush();
        first.flush(); // nothing new: nothing added twice
        assertThat(first.snapshot(id)).isEqualTo(new AppTraffic.Snapshot(3, 1, 105, 1050));
        assertThat(second.snapshot(id)).isEqualTo(new AppTraffic.Snapshot(3, 0, 105, 1050));
        first.connectionClosed(id, 1, 2);
        assertThat(first.snapshot(id)).isEqualTo(new AppTraffic.Snapshot(3, 0, 106, 1052));
        first.flush();
      }
      // a restarted operator: a fresh process's counters start from what was kept
      try (Operator operator = Operator.start(config, RecordingNodeProvider::new)) {
        assertThat(new AppTraffic(operator.database()).snapshot(id))
            .isEqualTo(new AppTraffic.Snapshot(3, 0, 106, 1052));
      }
    }
  }
}
