package dev.mse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.protocol.runtime.RuntimeMeasurement;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained distribution as a user gets it: the tarball that {@code deploy/dist.sh} made
 * in this build, unpacked, its {@code bin/mse} run through a symlink on a {@code PATH} that has no
 * {@code java}, with {@code JAVA_HOME} unset. Everything then runs on the bundled Java runtime.
 */
class DistributionTest {
  private static final Path REPO = Path.of(System.getProperty("mse.repo", "..")).toAbsolutePath();

  @TempDir static Path work;
  private static Path root;
  private static Map<String, String> env;

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball = Path.of(System.getProperty("mse.dist", "target/none.tar.gz"));
    assertThat(tarball).as("the tarball deploy/dist.sh makes in this build").isRegularFile();
    Command.run(work, Map.of("PATH", "/usr/bin:/bin"), List.of("tar", "-xzf", tarball.toString()))
        .succeeded();
    try (Stream<Path> top = Files.list(work)) {
      root =
          top.filter(p -> p.getFileName().toString().startsWith("mse-")).findFirst().orElseThrow();
    }
    // A PATH with the few tools the launcher uses, mse as a symlink, and no java.
    Path bin = Files.createDirectories(work.resolve("path"));
    for (String tool : List.of("sh", "readlink", "dirname", "tar")) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
    }
    Files.createSymbolicLink(bin.resolve("mse"), root.resolve("bin/mse"));
    Path home = Files.createDirectories(work.resolve("home"));
    env =
        Map.of(
            "PATH", bin.toString(),
            "HOME", home.toString(),
            "MSE_CONF_PATH", home.resolve("conf").toString(),
            "LANG", "C.UTF-8");
  }

  private static Command mse(String... args) throws Exception {
    return Command.run(
        work,
        env,
        Stream.concat(Stream.of(work.resolve("path/mse").toString()), Stream.of(args)).toList());
  }

  @Test
  void theLauncherIsExecutableAndTheJavaRuntimeIsTheJlinkedOne() throws Exception {
    assertThat(Files.getPosixFilePermissions(root.resolve("bin/mse")))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    assertThat(root.resolve("jre/bin/java")).isExecutable();
    // the modules of deploy/dist.sh: the compiler (in-process builds), none of the JDK's tools
    assertThat(Files.readString(root.resolve("jre/release")))
        .contains("jdk.compiler", "jdk.httpserver", "java.sql")
        .doesNotContain("jdk.jlink", "jdk.jdeps");
    assertThat(Command.run(work, env, List.of("/bin/sh", "-c", "command -v java || echo none")))
        .extracting(Command::output)
        .isEqualTo("none\n");
  }

  @Test
  void versionRunsOnTheBundledRuntime() throws Exception {
    assertThat(mse("--version").succeeded().output()).startsWith("mse ");
  }

  @Test
  void verifiesARealTdxQuote() throws Exception {
    Path quotes = REPO.resolve("examples/quotes");
    Command verified =
        mse(
                "quote",
                "verify",
                quotes.resolve("tdx_quote").toString(),
                "--collateral",
                quotes.resolve("tdx_quote_collateral.json").toString(),
                "--at",
                "2025-07-19T10:00:34Z")
            .succeeded();
    assertThat(verified.output()).contains("TDX");
  }

  @Test
  void theBundledRuntimeDistributionMeasuresAsTheBuiltOne() throws Exception {
    String expected = RuntimeMeasurement.of(REPO.resolve("enclave/target/runtime")).hex();
    assertThat(mse("runtime", "measurement").succeeded().output()).contains(expected);
  }

  @Test
  void spawnsARuntimeOnTheBundledJavaRuntime() throws Exception {
    mse("home", "scaffold", "hello").succeeded();
    mse("home", "package", "--project", "hello", "--output", "hello/package").succeeded();
    Path pkg;
    try (Stream<Path> files = Files.list(work.resolve("hello/package"))) {
      pkg = files.filter(p -> p.toString().endsWith(".tar")).findFirst().orElseThrow();
    }
    int port = freePort();
    Command spawned =
        mse(
            "home",
            "spawn",
            "hello",
            "--package",
            pkg.toString(),
            "--san",
            "hello.example.com",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--enclave-port",
            Integer.toString(freePort()),
            "--size",
            "1024",
            "--days",
            "1",
            "--output",
            "node",
            "--owner-key",
            work.resolve("home/conf/owner.pub").toString());
    try {
      spawned.succeeded();
      assertThat(spawned.output()).contains("waiting for its owner");
      assertThat(work.resolve("node/evidence.json")).isRegularFile();
      long pid = Long.parseLong(Files.readString(work.resolve("node/runtime.pid")).strip());
      String commandLine = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
      assertThat(commandLine)
          .startsWith(root.resolve("jre/bin/java").toString())
          .contains(root.resolve("runtime/mse-enclave-launcher.jar").toString());
    } finally {
      mse("home", "stop", "hello", "--remove");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
