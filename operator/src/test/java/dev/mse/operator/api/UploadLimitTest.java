package dev.mse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.ApiClient.Res;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadLimitTest {
  @TempDir Path dir;

  @Test
  void refusesAPackageOverTheLimitAndKeepsNothing() throws Exception {
    try (OperatorFixture fx =
        OperatorFixture.start(TestDatabase.Kind.H2, dir, c -> c.withMaxPackageBytes(2048))) {
      ApiClient alice = fx.signedIn("alice@example.com");
      Deployments.Deployment d = Deployments.selfMode("big", "mse.localhost");
      assertThat(d.packageBytes().length).isGreaterThan(2048);
      Res r = alice.deploy("default", "4g", d.configBytes(), d.packageBytes());
      assertThat(r.status()).as(r.body()).isEqualTo(413);
      assertThat(r.errorCode()).isEqualTo("package_too_large");
      assertThat(r.errorMessage()).contains("2048 bytes");
      assertThat(fx.appRows()).isZero();
      assertThat(fx.storedFiles()).isZero();
      assertThat(fx.nodes.started).isEmpty();
    }
  }
}
