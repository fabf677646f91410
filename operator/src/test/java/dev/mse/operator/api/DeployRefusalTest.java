package dev.mse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.ratls.AppTls;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.store.HardwareOffer;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.ApiClient.Res;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.Deployments.Deployment;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployments the operator refuses because of where they would run: one line, nothing created. */
class DeployRefusalTest {
  private static final String DOMAIN = "mse.localhost";

  @TempDir Path dir;

  private static void assertNothingCreated(OperatorFixture fx, Res r, String code)
      throws Exception {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(code);
    assertThat(r.errorMessage()).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
    assertThat(fx.appRows()).isZero();
    assertThat(fx.storedFiles()).isZero();
    assertThat(fx.nodes.started).isEmpty();
  }

  @Test
  void tlsTerminatedByTheRuntimeIsRefusedUnderSgxOnly() throws Exception {
    try (OperatorFixture fx = OperatorFixture.start(TestDatabase.Kind.H2, dir)) {
      ApiClient alice = fx.signedIn("alice@example.com");
      fx.nodes.tee = "gramine-sgx";
      Deployment d =
          Deployments.selfMode(DOMAIN, AppTls.RUNTIME, Deployments.packageBytes("hello"));
      Res refused = alice.deploy("default", "4g", d.configBytes(), d.packageBytes());
      assertNothingCreated(fx, refused, "tls_runtime_needs_confidential_vm");
      assertThat(refused.errorMessage()).contains("gramine-sgx").contains("tls = \"app\"");

      // the app serving its own TLS is fine under SGX
      Deployment own = Deployments.selfMode(DOMAIN, AppTls.APP, Deployments.packageBytes("own"));
      assertThat(alice.deploy("default", "4g", own.configBytes(), own.packageBytes()).status())
          .isEqualTo(201);

      // and the runtime's TLS is fine in a confidential VM
      fx.nodes.tee = "tsm";
      Deployment vm = Deployments.selfMode(DOMAIN, AppTls.RUNTIME, Deployments.packageBytes("vm"));
      assertThat(alice.deploy("default", "4g", vm.configBytes(), vm.packageBytes()).status())
          .isEqualTo(201);
    }
  }

  @Test
  void aPackageWhoseFilesDoNotFitTheOffersEnclaveIsRefused() throws Exception {
    // an 8 MB enclave leaves 2 MB to the app's files (RuntimeMemory)
    List<OperatorConfig.Offer> offers =
        List.of(
            new OperatorConfig.Offer(new HardwareOffer("tiny", 64, 1, 8), 3),
            new OperatorConfig.Offer(new HardwareOffer("4g", 4096, 2, 1024), 3));
    try (OperatorFixture fx =
        OperatorFixture.start(TestDatabase.Kind.H2, dir, c -> c.withHardware(offers, "4g"))) {
      ApiClient alice = fx.signedIn("alice@example.com");
      Deployment d =
          Deployments.selfMode(
              DOMAIN, AppTls.APP, Deployments.packageBytes("big", 3 * 1024 * 1024));
      Res refused = alice.deploy("default", "tiny", d.configBytes(), d.packageBytes());
      assertNothingCreated(fx, refused, "package_too_large_for_offer");
      assertThat(refused.errorMessage()).contains("'tiny'").contains("2 MB").contains("8 MB");

      assertThat(alice.deploy("default", "4g", d.configBytes(), d.packageBytes()).status())
          .isEqualTo(201);
    }
  }
}
