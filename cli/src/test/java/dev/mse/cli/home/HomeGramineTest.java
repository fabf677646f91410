package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.cli.MseCli;
import dev.mse.operator.testing.GramineStandIns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mse home spawn --tee gramine-sgx} against stand-ins for Gramine's executables (Gramine
 * cannot be installed here, and there is no SGX): the manifest rendered into the app's directory,
 * signed with {@code --signer-key}, its MRENCLAVE and MRSIGNER printed, and {@code gramine-sgx}
 * started as the app's process in that directory. The stand-in {@code gramine-sgx} records how it
 * was run and then becomes a real runtime on the simulated TEE (its evidence is SIMULATED, hence
 * {@code --allow-simulation}), so the spawn goes through to the runtime's evidence.
 */
class HomeGramineTest {
  @TempDir Path work;
  private HomeFlow flow;

  @BeforeEach
  void scaffold() throws Exception {
    assumeTrue(HomeFlow.runtimeBuilt(), "no runtime distribution: ./mvnw install -pl enclave -am");
    flow = new HomeFlow(work, "hello");
  }

  @AfterEach
  void stop() {
    System.clearProperty("mse.gramine.bin");
    if (flow != null) {
      // spawned here, not through HomeFlow.spawn: stopped here (a no-op when never spawned)
      flow.cli("home", "stop", "sgx", "--remove");
      flow.close();
    }
  }

  private List<String> spawnArgs(String name, int port, int enclavePort, String... extra) {
    return spawnArgs("gramine-sgx", name, port, enclavePort, extra);
  }

  private List<String> spawnArgs(
      String tee, String name, int port, int enclavePort, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "home",
                "spawn",
                name,
                "--package",
                flow.packageFile.toString(),
                "--san",
                HomeFlow.SAN,
                "--port",
                Integer.toString(port),
                "--enclave-port",
                Integer.toString(enclavePort),
                "--host",
                "127.0.0.1",
                "--size",
                "1024",
                "--output",
                flow.node(name).toString(),
                "--runtime",
                HomeFlow.RUNTIME.toString(),
                "--tee",
                tee));
    args.addAll(List.of(extra));
    return args;
  }

  @Test
  void withoutGramineOrASigningKeyNothingIsSpawned() throws Exception {
    Path empty = Files.createDirectories(work.resolve("no-gramine"));
    System.setProperty("mse.gramine.bin", empty.toString());
    MseCli.Run noGramine =
        flow.cli(
            spawnArgs("g0", HomeFlow.freePort(), HomeFlow.freePort(), "--signer-key", "k.pem")
                .toArray(String[]::new));
    assertThat(noGramine.exitCode()).isEqualTo(1);
    assertThat(noGramine.err())
        .contains("gramine-manifest, gramine-sgx-sign, gramine-sgx are not in " + empty)
        .contains("install Gramine")
        .doesNotContain("Exception");

    GramineStandIns s = GramineStandIns.install(work.resolve("gramine"), "exit 3");
    System.setProperty("mse.gramine.bin", s.bin.toString());
    MseCli.Run noKey =
        flow.cli(spawnArgs("g0", HomeFlow.freePort(), HomeFlow.freePort()).toArray(String[]::new));
    assertThat(noKey.exitCode()).isEqualTo(1);
    assertThat(noKey.err()).contains("needs the enclave signing key").contains("--signer-key");
    assertThat(flow.node("g0").resolve("deployment.json")).doesNotExist();
    assertThat(s.runs("gramine-sgx-sign")).isEmpty();
    assertThat(s.runs("gramine-sgx")).isEmpty();

    MseCli.Run notGramine =
        flow.cli(
            spawnArgs(
                    "simulation",
                    "g0",
                    HomeFlow.freePort(),
                    HomeFlow.freePort(),
                    "--signer-key",
                    s.keyFile.toString())
                .toArray(String[]::new));
    assertThat(notGramine.exitCode()).isEqualTo(1);
    assertThat(notGramine.err()).contains("--signer-key signs a Gramine enclave");
  }

  @Test
  void spawnRendersSignsAndStartsGramineSgxAndRestartKeepsTheSignedManifest() throws Exception {
    int port = HomeFlow.freePort();
    int enclavePort = HomeFlow.freePort();
    Path node = flow.node("sgx");
    Path runtime = HomeFlow.RUNTIME.toAbsolutePath().normalize();
    Path secrets = Files.createDirectories(work.resolve("secrets"));
    // the stand-in enclave: the runtime itself, on the simulated TEE, with the manifest's ports
    String runtimeJvm =
        String.join(
            " ",
            "exec",
            "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "'",
            "-XX:+UseSerialGC",
            "-Xmx320m",
            "'@" + runtime.resolve("jvm.args") + "'",
            "-jar",
            "'" + runtime.resolve("mse-enclave-launcher.jar") + "'",
            "--config",
            "\"$PWD/deployment.json\"",
            "--package",
            "\"$PWD/package.tar\"",
            "--port",
            Integer.toString(enclavePort),
            "--app-port",
            Integer.toString(port),
            "--state-dir",
            "\"$PWD/state\"",
            "--host",
            "127.0.0.1",
            "--tee",
            "simulation",
            "--secrets-dir",
            "'" + secrets + "'",
            "--provisioning-timeout",
            "5");
    GramineStandIns s = GramineStandIns.install(work.resolve("gramine"), runtimeJvm);
    System.setProperty("mse.gramine.bin", s.bin.toString());

    MseCli.Run spawn =
        flow.cli(
                spawnArgs(
                        "sgx",
                        port,
                        enclavePort,
                        "--signer-key",
                        s.keyFile.toString(),
                        "--allow-simulation")
                    .toArray(String[]::new))
            .succeeded();

    String mrEnclave = HexFormat.of().formatHex(GramineStandIns.MRENCLAVE);
    assertThat(spawn.out())
        .contains("mrenclave: " + mrEnclave)
        .contains("mrsigner:  " + s.mrSigner())
        .contains("tee:      gramine-sgx (SIMULATED: not confidential)");
    assertThat(s.runs("gramine-manifest"))
        .containsExactly(
            List.of(
                node.resolve("mse-runtime.manifest.template").toString(),
                node.resolve("mse-runtime.manifest").toString()));
    assertThat(s.runs("gramine-sgx-sign"))
        .containsExactly(
            List.of(
                "--manifest",
                node.resolve("mse-runtime.manifest").toString(),
                "--output",
                node.resolve("mse-runtime.manifest.sgx").toString(),
                "--sigfile",
                node.resolve("mse-runtime.sig").toString(),
                "--key",
                s.keyFile.toAbsolutePath().toString()));
    assertThat(s.runs("gramine-sgx"))
        .containsExactly(List.of(node.resolve("mse-runtime").toString()));
    assertThat(s.gramineSgxDirs()).containsExactly(node.toString());

    String manifest = s.signedManifest();
    assertThat(manifest)
        .doesNotContain(node.toString())
        .contains("\"--port\", \"" + enclavePort + "\"")
        .contains("\"--app-port\", \"" + port + "\"")
        .contains("\"--host\", \"127.0.0.1\"")
        .contains("\"--provisioning-timeout\", \"1440\"")
        .contains("sgx.enclave_size = \"1024M\"")
        .contains("libos.entrypoint = \"" + System.getProperty("java.home") + "/bin/java\"")
        .contains("{ type = \"tmpfs\", path = \"/secrets\" }");
    // the evidence came from the runtime gramine-sgx became
    assertThat(node.resolve("evidence.json")).exists();

    // a restart runs gramine-sgx on the manifest signed at spawn: same MRENCLAVE, no key needed
    flow.cli("home", "restart", "sgx").succeeded();
    assertThat(s.runs("gramine-sgx")).hasSize(2);
    assertThat(s.runs("gramine-sgx-sign")).hasSize(1);
  }
}
