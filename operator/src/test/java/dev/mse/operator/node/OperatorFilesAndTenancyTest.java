package dev.mse.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's own files are its alone, and an operator without per-app users has one tenant. */
class OperatorFilesAndTenancyTest {
  @TempDir Path dir;

  @Test
  void theDataDirectoryAndEveryFileInItAreTheOperatorsAloneAfterStart() throws Exception {
    Path data = dir.resolve("data");
    // An earlier operator left them readable by everyone.
    Files.createDirectories(data.resolve("tls"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(data.resolve("tls").resolve("server.key"), "-----BEGIN PRIVATE KEY-----");
    Files.setPosixFilePermissions(
        data.resolve("tls").resolve("server.key"), PosixFilePermissions.fromString("rw-r--r--"));

    try (Operator operator =
        Operator.start(
            OperatorConfig.defaults(data).withApi("127.0.0.1", 0), RecordingNodeProvider::new)) {
      operator.accounts().createAccount("a@example.com", OperatorFixture.PASSWORD);
      assertThat(data.resolve("operator.mv.db")).exists();
      assertThat(mode(data)).isEqualTo("rwx------");
      try (Stream<Path> all = Files.walk(data)) {
        for (Path p : all.toList()) {
          assertThat(mode(p))
              .as(p.toString())
              .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
      }
    }
  }

  @Test
  void aNewDataDirectoryIsCreatedPrivate() throws Exception {
    Path data = dir.resolve("fresh");
    try (Operator operator =
        Operator.start(
            OperatorConfig.defaults(data).withApi("127.0.0.1", 0), RecordingNodeProvider::new)) {
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.resolve("operator.mv.db"))).isEqualTo("rw-------");
    }
  }

  @Test
  void withoutPerAppUsersASecondAccountIsRefusedWithATypedError() throws Exception {
    try (OperatorFixture fx =
        OperatorFixture.start(
            TestDatabase.Kind.H2,
            dir,
            c -> c.withIsolation(OperatorConfig.Isolation.defaults().withPerAppUsers(false)))) {
      fx.operator.accounts().createAccount("first@example.com", OperatorFixture.PASSWORD);
      assertThatThrownBy(
              () ->
                  fx.operator
                      .accounts()
                      .createAccount("second@example.com", OperatorFixture.PASSWORD))
          .isInstanceOfSatisfying(
              OperatorException.class,
              e -> assertThat(e.code()).isEqualTo("single_tenant_operator"));
      ApiClient.Res signUp =
          fx.anonymous()
              .post(
                  "/api/v1/accounts",
                  Map.of("email", "third@example.com", "password", OperatorFixture.PASSWORD));
      assertThat(signUp.status()).isEqualTo(409);
      assertThat(signUp.errorCode()).isEqualTo("single_tenant_operator");
    }
  }

  @Test
  void allowSharedUserLetsASingleTenantDeveloperServeSeveralAccounts() throws Exception {
    try (OperatorFixture fx =
        OperatorFixture.start(
            TestDatabase.Kind.H2,
            dir,
            c ->
                c.withIsolation(
                    OperatorConfig.Isolation.defaults()
                        .withPerAppUsers(false)
                        .withAllowSharedUser(true)))) {
      fx.operator.accounts().createAccount("first@example.com", OperatorFixture.PASSWORD);
      fx.operator.accounts().createAccount("second@example.com", OperatorFixture.PASSWORD);
    }
  }

  @Test
  void stoppingAFailedAppSucceedsAndRemovesWhatItLeft() throws Exception {
    try (OperatorFixture fx = OperatorFixture.start(TestDatabase.Kind.H2, dir)) {
      ApiClient owner = fx.signedIn("owner@example.com");
      Deployments.Deployment d = Deployments.selfMode("fails", fx.config.appsDomain());
      assertThat(owner.deploy("default", "4g", d.configBytes(), d.packageBytes()).status())
          .isEqualTo(201);
      Path pkg = fx.config.dataDir().resolve("packages").resolve(d.appId() + ".tar");
      assertThat(pkg).exists();

      fx.nodes.report(d.appId(), NodeState.FAILED, Optional.of("the app crashed"));
      // a failed app never runs again: its package goes at once
      assertThat(pkg).doesNotExist();
      assertThat(owner.get("/api/v1/apps/" + d.appId()).json().path("status").asString())
          .isEqualTo("on_error");

      ApiClient.Res stopped = owner.postEmpty("/api/v1/apps/" + d.appId() + "/stop");
      assertThat(stopped.status()).isEqualTo(202);
      assertThat(stopped.json().path("status").asString()).isEqualTo("stopped");
      assertThat(stopped.json().path("failure").asString()).isEqualTo("the app crashed");
      // the provider was told to remove what the node left
      assertThat(fx.nodes.stopped).containsExactly(d.appId());
    }
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
