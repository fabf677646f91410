package dev.mse.operator.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.testing.GramineStandIns;
import dev.mse.protocol.runtime.Sigstruct;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * The Gramine launch against stand-ins for Gramine's executables (GramineStandIns): the manifest
 * rendered from enclave/gramine's template, the exact command lines of gramine-manifest,
 * gramine-sgx-sign and gramine-sgx, the SIGSTRUCT read back, and every refusal (no Gramine, no key,
 * a forged SIGSTRUCT, a path that would add manifest entries).
 */
class GramineLaunchTest {
  private static final String JAVA_HOME = Path.of(System.getProperty("java.home")).toString();

  @TempDir Path dir;
  private Path work;
  private Path runtime;

  @BeforeEach
  void layout() throws IOException {
    work = Files.createDirectories(dir.resolve("node"));
    runtime = Files.createDirectories(dir.resolve("runtime"));
    Files.writeString(work.resolve("deployment.json"), "{}");
    Files.writeString(work.resolve("package.tar"), "ciphertext");
  }

  private RuntimeLaunch launch(int sizeMb) {
    return new RuntimeLaunch(
            runtime,
            work.resolve("deployment.json"),
            work.resolve("package.tar"),
            "127.0.0.1",
            40001,
            40002,
            work.resolve("state"),
            Path.of("/dev/shm/mse-host-secrets"),
            work.resolve("data"),
            "gramine-sgx",
            sizeMb,
            90,
            work,
            dir.resolve("runtime.log"),
            64)
        .withPccs(Optional.of(URI.create("https://pccs.example:8081")));
  }

  private GramineLaunch gramine(GramineStandIns s, RuntimeLaunch launch) {
    return new GramineLaunch(
        launch,
        GramineLaunch.Settings.DEFAULTS.withSignerKey(s.keyFile).withBinDir(s.bin),
        dir.resolve("gramine"),
        2);
  }

  @Test
  void rendersSignsAndReadsTheMeasurementBack() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    GramineLaunch g = gramine(s, launch(2048));

    Sigstruct sig = g.sign();

    assertThat(sig.mrEnclave().hex())
        .isEqualTo(HexFormat.of().formatHex(GramineStandIns.MRENCLAVE));
    assertThat(sig.mrSigner().hex()).isEqualTo(s.mrSigner());
    Path gd = dir.resolve("gramine");
    assertThat(s.runs("gramine-manifest"))
        .containsExactly(
            List.of(
                gd.resolve("mse-runtime.manifest.template").toString(),
                gd.resolve("mse-runtime.manifest").toString()));
    assertThat(s.runs("gramine-sgx-sign"))
        .containsExactly(
            List.of(
                "--manifest",
                gd.resolve("mse-runtime.manifest").toString(),
                "--output",
                gd.resolve("mse-runtime.manifest.sgx").toString(),
                "--sigfile",
                gd.resolve("mse-runtime.sig").toString(),
                "--key",
                s.keyFile.toString()));
    assertThat(Files.readString(dir.resolve("runtime.log")))
        .contains(
            "gramine-sgx enclave signed: mrenclave "
                + HexFormat.of().formatHex(GramineStandIns.MRENCLAVE)
                + " mrsigner "
                + s.mrSigner());
  }

  @Test
  void theManifestKeepsPlaintextInTheEnclaveAndTheNodeDirectoryOutOfTheMeasurement()
      throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    gramine(s, launch(2048)).sign();
    String text = s.signedManifest();
    JsonNode m = TomlMapper.builder().build().readTree(text);

    // every variable rendered, Gramine's own by gramine-manifest
    assertThat(text).doesNotContain("{{").doesNotContain("}}");
    assertThat(m.at("/loader/entrypoint/uri").asString())
        .isEqualTo("file:" + GramineStandIns.LIBOS);
    // the node's directory and the host's secrets directory appear nowhere: relative paths only
    assertThat(text).doesNotContain(work.toString()).doesNotContain("/dev/shm");

    assertThat(m.at("/libos/entrypoint").asString()).isEqualTo(JAVA_HOME + "/bin/java");
    assertThat(m.at("/sgx/enclave_size").asString()).isEqualTo("2048M");
    assertThat(m.at("/sgx/max_threads").asInt()).isEqualTo(256);
    assertThat(m.at("/sgx/debug").asBoolean()).isFalse();
    assertThat(m.at("/sgx/remote_attestation").asString()).isEqualTo("dcap");

    List<String> mounts = new ArrayList<>();
    for (JsonNode mount : m.at("/fs/mounts")) {
      String type = mount.path("type").asString("chroot");
      String path = mount.path("path").asString();
      String uri = mount.path("uri").asString("");
      mounts.add(type + " " + path + " " + uri + " " + mount.path("key_name").asString(""));
      if (type.equals("chroot")) {
        // host files are the system's, the JDK, the runtime, or exactly the two inputs
        assertThat(uri)
            .as(path)
            .matches(
                "file:(/lib/x86_64-linux-gnu|/usr/lib/x86_64-linux-gnu|/etc|"
                    + java.util.regex.Pattern.quote(JAVA_HOME)
                    + "|"
                    + java.util.regex.Pattern.quote(runtime.toString())
                    + "|"
                    + java.util.regex.Pattern.quote(GramineStandIns.RUNTIMEDIR)
                    + "|deployment\\.json|package\\.tar)");
      }
    }
    assertThat(mounts)
        .contains(
            "chroot /input/deployment.json file:deployment.json ",
            "chroot /input/package.tar file:package.tar ",
            "chroot /runtime file:" + runtime + " ",
            "encrypted /state file:state _sgx_mrenclave",
            "encrypted /data file:data _sgx_mrenclave",
            "tmpfs /secrets  ",
            "tmpfs /tmp  ");

    // the package (ciphertext) and config are allowed, not trusted; nothing else of the node is
    List<String> allowed = new ArrayList<>();
    m.at("/sgx/allowed_files").forEach(f -> allowed.add(f.asString()));
    assertThat(allowed)
        .containsExactly(
            "file:deployment.json", "file:package.tar", "file:/etc/hosts", "file:/etc/resolv.conf");
    List<String> trusted = new ArrayList<>();
    m.at("/sgx/trusted_files").forEach(f -> trusted.add(f.asString()));
    assertThat(trusted).contains("file:" + JAVA_HOME + "/", "file:" + runtime + "/");

    // the app's plaintext (secrets, TLS key, decrypted code, temporary files) is on tmpfs only
    JsonNode env = m.at("/loader/env");
    for (String var :
        List.of(
            "MSE_SECRETS_PATH", "MSE_SEALED_SECRETS_PATH", "MSE_TLS_CERTIFICATE", "MSE_TLS_KEY")) {
      assertThat(env.path(var).asString()).as(var).startsWith("/secrets/");
    }
    assertThat(env.path("MSE_DATA_DIR").asString()).isEqualTo("/data");

    List<String> argv = new ArrayList<>();
    m.at("/loader/argv").forEach(a -> argv.add(a.asString()));
    RuntimeMemory split = RuntimeMemory.of(2048);
    assertThat(argv.getFirst()).isEqualTo("java");
    assertThat(argv)
        .contains(
            "-Xmx" + split.heapMb() + "m",
            "-XX:MaxMetaspaceSize=" + split.metaspaceMb() + "m",
            "-XX:ActiveProcessorCount=2",
            "-Dmse.front.connectionsPerSource=64",
            "-Djava.io.tmpdir=/tmp")
        .doesNotContain("-Xmx2g");
    String args = String.join(" ", argv);
    assertThat(args)
        .contains("--config /input/deployment.json --package /input/package.tar")
        .contains("--host 127.0.0.1 --port 40001 --app-port 40002")
        .contains("--state-dir /state --secrets-dir /secrets --tee gramine-sgx")
        .contains("--provisioning-timeout 90 --pccs https://pccs.example:8081");
  }

  @Test
  void startsGramineSgxOnTheSignedManifestInTheNodeDirectory() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    GramineLaunch g = gramine(s, launch(1024));
    g.sign();
    Process p = g.start("--- test: starting", Optional.empty());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    assertThat(s.runs("gramine-sgx"))
        .containsExactly(List.of(dir.resolve("gramine").resolve("mse-runtime").toString()));
    assertThat(s.gramineSgxDirs()).containsExactly(work.toString());
    List<String> expected = new ArrayList<>(RuntimeLaunch.sessionPrefix());
    expected.add(s.bin.resolve("gramine-sgx").toString());
    expected.add(dir.resolve("gramine").resolve("mse-runtime").toString());
    assertThat(g.command(Optional.empty())).isEqualTo(expected);
    assertThat(
            GramineLaunch.isRuntimeOf(
                "/usr/lib/x86_64-linux-gnu/gramine/sgx/loader libpal.so init "
                    + g.application()
                    + " ",
                g.application()))
        .isTrue();
    // the signing tool's command line names the manifest, not the application
    assertThat(
            GramineLaunch.isRuntimeOf(
                "gramine-sgx-sign --manifest " + g.manifest(), g.application()))
        .isFalse();
    assertThat(Files.readString(dir.resolve("runtime.log"))).contains("--- test: starting");
  }

  @Test
  void neverAPlainJvmForGramineSgx() {
    assertThatThrownBy(() -> launch(1024).start("x", Optional.empty()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("never as a plain JVM");
  }

  @Test
  void withoutGramineNothingStartsAndTheErrorNamesWhatIsMissing() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    GramineLaunch g =
        new GramineLaunch(
            launch(1024),
            GramineLaunch.Settings.DEFAULTS.withSignerKey(dir.resolve("key.pem")).withBinDir(empty),
            dir.resolve("gramine"),
            1);
    assertThatThrownBy(g::sign)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gramine-manifest, gramine-sgx-sign, gramine-sgx are not in " + empty)
        .hasMessageContaining("install Gramine")
        .hasMessageContaining("never runs as a plain JVM");
    assertThatThrownBy(() -> g.start("x", Optional.empty()))
        .hasMessageContaining("gramine-sgx is not in " + empty);
    assertThat(dir.resolve("gramine").resolve("mse-runtime.manifest")).doesNotExist();
  }

  @Test
  void withoutASigningKeyNothingIsSigned() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    GramineLaunch g =
        new GramineLaunch(
            launch(1024),
            GramineLaunch.Settings.DEFAULTS.withBinDir(s.bin),
            dir.resolve("gramine"),
            1);
    assertThatThrownBy(g::sign)
        .hasMessageContaining("needs the enclave signing key")
        .hasMessageContaining("--signer-key")
        .hasMessageContaining("signer_key");
    assertThat(s.runs("gramine-sgx-sign")).isEmpty();
    // and an unsigned node does not start
    assertThatThrownBy(() -> g.start("x", Optional.empty())).hasMessageContaining("not signed");
    assertThat(s.runs("gramine-sgx")).isEmpty();
  }

  @Test
  void aSigstructThatDoesNotVerifyIsRefused() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    byte[] forged = Files.readAllBytes(s.records.resolve("sigstruct.bin"));
    forged[960] ^= 1; // another MRENCLAVE under the same signature
    Files.write(s.records.resolve("sigstruct.bin"), forged);
    GramineLaunch g = gramine(s, launch(1024));
    assertThatThrownBy(g::sign)
        .hasMessageContaining("is not a valid SIGSTRUCT")
        .hasMessageContaining("signature does not verify");
    assertThatThrownBy(() -> g.start("x", Optional.empty()))
        .hasMessageContaining("not a valid SIGSTRUCT");
  }

  @Test
  void aFailingSignerIsOneErrorWithItsLastLine() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    GramineLaunch noKey =
        new GramineLaunch(
            launch(1024),
            GramineLaunch.Settings.DEFAULTS.withSignerKey(dir).withBinDir(s.bin),
            dir.resolve("gramine"),
            1);
    assertThatThrownBy(noKey::sign).hasMessageContaining("is not a readable file");

    GramineLaunch g = gramine(s, launch(1024));
    Files.writeString(
        s.bin.resolve("gramine-sgx-sign"),
        "#!/bin/sh\necho 'Signing...'\necho 'error: the key is not RSA-3072' >&2\nexit 1\n",
        StandardCharsets.US_ASCII);
    assertThatThrownBy(g::sign)
        .hasMessage("gramine-sgx-sign failed (exit 1): error: the key is not RSA-3072");
  }

  @Test
  void aKeySgxCannotUseIsRefusedBeforeSigning() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Path rsa2048 = dir.resolve("rsa2048.pem");
    Files.writeString(
        rsa2048,
        "-----BEGIN PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder()
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    GramineLaunch wrongKey =
        new GramineLaunch(
            launch(1024),
            GramineLaunch.Settings.DEFAULTS.withSignerKey(rsa2048).withBinDir(s.bin),
            dir.resolve("gramine"),
            1);
    assertThatThrownBy(wrongKey::sign)
        .hasMessageContaining("is not an RSA-3072 key with exponent 3");
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
    assertThatThrownBy(
            () ->
                new GramineLaunch(
                        launch(1024),
                        GramineLaunch.Settings.DEFAULTS.withSignerKey(notPem).withBinDir(s.bin),
                        dir.resolve("gramine"),
                        1)
                    .sign())
        .hasMessageContaining("not.pem is not");
    assertThat(s.runs("gramine-sgx-sign")).isEmpty();
  }

  @Test
  void aSigstructOfAnotherSignerIsRefused() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    // valid in itself, but signed with another key than the configured one
    Files.write(
        s.records.resolve("sigstruct.bin"),
        dev.mse.operator.testing.SigstructWriter.write(
            dev.mse.operator.testing.SigstructWriter.newSignerKey(),
            GramineStandIns.MRENCLAVE,
            1,
            1));
    assertThatThrownBy(() -> gramine(s, launch(1024)).sign())
        .hasMessageContaining("is not signed with " + s.keyFile);
  }

  @Test
  void aPathThatWouldAddManifestEntriesIsRefused() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    runtime = Files.createDirectories(dir.resolve("run\"time"));
    assertThatThrownBy(() -> gramine(s, launch(1024)).sign())
        .hasMessageContaining("cannot put")
        .hasMessageContaining("into a Gramine manifest");
    runtime = Files.createDirectories(dir.resolve("run{{ gramine.libos }}"));
    assertThatThrownBy(() -> gramine(s, launch(1024)).sign()).hasMessageContaining("cannot put");
    assertThat(s.runs("gramine-manifest")).isEmpty();
  }

  @Test
  void anEnclaveSizeThatIsNotAPowerOfTwoIsRefused() throws Exception {
    GramineStandIns s = GramineStandIns.install(dir, "exit 0");
    assertThatThrownBy(() -> gramine(s, launch(3072)).sign())
        .hasMessageContaining("power of two")
        .hasMessageContaining("3072 MB");
  }
}
