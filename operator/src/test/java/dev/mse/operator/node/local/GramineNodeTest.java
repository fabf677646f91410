package dev.mse.operator.node.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.runtime.GramineLaunch;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.GramineStandIns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local provider with {@code tee = "gramine-sgx"}, against stand-ins for Gramine's executables
 * (Gramine cannot be installed here): every launch renders and signs the node's manifest and starts
 * {@code gramine-sgx} as the node's process, in the node's home, which the provider watches and
 * restarts; without Gramine or a signing key the provider refuses to start at all.
 */
class GramineNodeTest {
  @TempDir Path dir;

  private LocalNodeProvider.Settings settings(GramineLaunch.Settings gramine) {
    return new LocalNodeProvider.Settings(
            dir.resolve("nodes"), dir.resolve("runtime"), "gramine-sgx", Duration.ofMinutes(1), 1)
        .withGramine(gramine);
  }

  @Test
  void eachLaunchSignsTheManifestAndRunsGramineSgxAsTheNodesProcess() throws Exception {
    // gramine-sgx records how it was run, then the "enclave" dies at once: the provider
    // restarts it once (max 1 restart), then gives up
    GramineStandIns s = GramineStandIns.install(dir, "echo 'enclave: EINIT failed' >&2; exit 3");
    UUID id = UUID.randomUUID();
    Deployments.Deployment d = Deployments.selfMode("hello", "mse.localhost");
    Path pkg = Files.write(dir.resolve("package.tar"), d.packageBytes());
    CompletableFuture<Optional<String>> failed = new CompletableFuture<>();
    try (LocalNodeProvider nodes =
        new LocalNodeProvider(
            settings(GramineLaunch.Settings.DEFAULTS.withSignerKey(s.keyFile).withBinDir(s.bin)),
            (app, state, why) -> {
              if (state == NodeState.FAILED) {
                failed.complete(why);
              }
            })) {
      nodes.start(new NodeSpec(id, d.configBytes(), pkg, 1024, 1, d.config().expires()));
      Optional<String> why = failed.get(60, TimeUnit.SECONDS);
      assertThat(why)
          .as(nodes.logTail(id, 8192))
          .hasValueSatisfying(w -> assertThat(w).contains("stopped 2 times"));

      Path node = dir.resolve("nodes").resolve(id.toString());
      Path gramine = node.resolve("gramine");
      List<String> run = List.of(gramine.resolve("mse-runtime").toString());
      assertThat(s.runs("gramine-sgx")).containsExactly(run, run);
      assertThat(s.gramineSgxDirs())
          .containsExactly(node.resolve("home").toString(), node.resolve("home").toString());
      List<String> sign =
          List.of(
              "--manifest",
              gramine.resolve("mse-runtime.manifest").toString(),
              "--output",
              gramine.resolve("mse-runtime.manifest.sgx").toString(),
              "--sigfile",
              gramine.resolve("mse-runtime.sig").toString(),
              "--key",
              s.keyFile.toString());
      assertThat(s.runs("gramine-sgx-sign")).containsExactly(sign, sign);

      String manifest = s.signedManifest();
      assertThat(manifest)
          .doesNotContain(node.toString())
          .contains("sgx.enclave_size = \"1024M\"")
          .contains("\"-XX:ActiveProcessorCount=1\"")
          .contains("\"--host\", \"127.0.0.1\"")
          .contains("{ type = \"encrypted\", path = \"/state\", uri = \"file:state\"")
          .contains("{ path = \"/input/package.tar\", uri = \"file:package.tar\" }");

      // the node's log: the measurement, Gramine's output, the restarts
      String log = nodes.logTail(id, 64 * 1024);
      assertThat(log)
          .contains(
              "gramine-sgx enclave signed: mrenclave "
                  + HexFormat.of().formatHex(GramineStandIns.MRENCLAVE)
                  + " mrsigner "
                  + s.mrSigner())
          .contains("enclave: EINIT failed")
          .contains("restarting it (1 of 1)");
      // and never a JVM of its own
      assertThat(log).doesNotContain("mse-enclave-launcher.jar").doesNotContain("mse-enclave.jar");
    }
  }

  @Test
  void aRunningGramineNodeIsFoundAndReattachedByTheNextOperator() throws Exception {
    // an enclave that runs until stopped: a shell whose command line is gramine-sgx's
    GramineStandIns s = GramineStandIns.install(dir, "while :; do sleep 1; done");
    GramineLaunch.Settings gramine =
        GramineLaunch.Settings.DEFAULTS.withSignerKey(s.keyFile).withBinDir(s.bin);
    UUID id = UUID.randomUUID();
    Deployments.Deployment d = Deployments.selfMode("hello", "mse.localhost");
    Path pkg = Files.write(dir.resolve("package.tar"), d.packageBytes());
    NodeSpec spec = new NodeSpec(id, d.configBytes(), pkg, 1024, 1, d.config().expires());
    LocalNodeProvider first = new LocalNodeProvider(settings(gramine), (app, state, why) -> {});
    first.start(spec);
    for (int i = 0; i < 200 && s.runs("gramine-sgx").isEmpty(); i++) {
      Thread.sleep(50);
    }
    first.close(); // the operator goes; its node stays

    try (LocalNodeProvider next =
        new LocalNodeProvider(settings(gramine), (app, state, why) -> {})) {
      assertThat(next.findNodes())
          .anySatisfy(
              f -> {
                assertThat(f.appId()).isEqualTo(id);
                assertThat(f.runtimeRuns()).isTrue();
              });
      next.resume(spec);
      // re-attached to the running enclave: neither signed nor started again
      assertThat(s.runs("gramine-sgx")).hasSize(1);
      assertThat(s.runs("gramine-sgx-sign")).hasSize(1);
      assertThat(next.address(id)).isPresent();
      next.stop(id);
      assertThat(next.findNodes()).noneSatisfy(f -> assertThat(f.runtimeRuns()).isTrue());
    }
  }

  @Test
  void withoutASigningKeyTheProviderDoesNotStart() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    assertThatThrownBy(
            () ->
                new LocalNodeProvider(
                    settings(GramineLaunch.Settings.DEFAULTS.withBinDir(s.bin)),
                    (app, state, why) -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("needs the enclave signing key")
        .hasMessageContaining("[gramine] signer_key");
  }

  @Test
  void withoutGramineTheProviderDoesNotStart() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-gramine"));
    assertThatThrownBy(
            () ->
                new LocalNodeProvider(
                    settings(
                        GramineLaunch.Settings.DEFAULTS
                            .withSignerKey(dir.resolve("key.pem"))
                            .withBinDir(empty)),
                    (app, state, why) -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gramine-manifest, gramine-sgx-sign, gramine-sgx are not in " + empty)
        .hasMessageContaining("install Gramine");
  }
}
