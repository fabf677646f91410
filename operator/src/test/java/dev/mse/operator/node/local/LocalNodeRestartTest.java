package dev.mse.operator.node.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.operator.testing.Deployments;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local node whose runtime dies, against a stand-in runtime: a launcher jar whose main class is
 * this test's (the first run exits at once, later ones run until killed and write their pids).
 */
class LocalNodeRestartTest {
  @TempDir Path dir;

  /**
   * The stand-in runtime, started by the provider as {@code java -jar mse-enclave-launcher.jar}.
   */
  public static void main(String[] args) throws Exception {
    Path runtime = Path.of(System.getProperty("java.class.path")).toAbsolutePath().getParent();
    Path firstRun = runtime.resolve("first-run");
    if (!Files.exists(firstRun)) {
      Files.createFile(firstRun);
      System.exit(3);
    }
    Files.writeString(
        runtime.resolve("pids"),
        ProcessHandle.current().pid() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Thread.sleep(60_000);
  }

  @Test
  void aNodeStoppedWhileItsRuntimeIsBeingRestartedGetsNoNewProcess() throws Exception {
    Path runtime = standInRuntime();
    UUID id = UUID.randomUUID();
    Deployments.Deployment d = Deployments.selfMode("hello", "mse.localhost");
    Path pkg = Files.write(dir.resolve("package.tar"), d.packageBytes());
    List<Long> started = List.of();
    try (LocalNodeProvider nodes =
        new LocalNodeProvider(
            new LocalNodeProvider.Settings(
                dir.resolve("nodes"), runtime, "simulation", Duration.ofMinutes(1), 1),
            (app, state, why) -> {})) {
      nodes.start(new NodeSpec(id, d.configBytes(), pkg, 1024, 1, d.config().expires()));
      // the owner stops the app during the pause before its runtime's restart (250 ms)
      for (int i = 0; i < 2_000 && !nodes.logTail(id, 8192).contains("restarting it"); i++) {
        Thread.sleep(5);
      }
      String before = nodes.logTail(id, 8192);
      assertThat(before).contains("restarting it (1 of 1)");
      Instant stopAt = Instant.now();
      nodes.stop(id);
      Thread.sleep(1_000); // past the pause: a restart would have started by now

      // the stop came during the pause unless this thread was held up for most of it
      String restartLine =
          before.lines().filter(l -> l.contains("restarting it")).findFirst().orElseThrow();
      Instant restartAt = Instant.parse(restartLine.substring(restartLine.lastIndexOf(" at ") + 4));
      assumeThat(Duration.between(restartAt, stopAt)).isLessThan(Duration.ofMillis(200));
      String after = nodes.logTail(id, 8192);
      assertThat(after.substring(after.indexOf(restartLine)))
          .as("the node's log after the restart began")
          .doesNotContain("starting the runtime");

      Path pids = runtime.resolve("pids");
      started =
          Files.exists(pids)
              ? Files.readAllLines(pids).stream().map(Long::parseLong).toList()
              : List.of();
      assertThat(started)
          .as("runtimes started after the stop and still running")
          .noneMatch(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent());
    } finally {
      started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  /** A runtime directory whose launcher jar runs {@link #main} from this module's test classes. */
  private Path standInRuntime() throws Exception {
    Path runtime = Files.createDirectories(dir.resolve("runtime"));
    Path classes =
        Path.of(
            LocalNodeRestartTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, LocalNodeRestartTest.class.getName());
    main.put(Attributes.Name.CLASS_PATH, runtime.relativize(classes) + "/");
    try (OutputStream out = Files.newOutputStream(runtime.resolve(RuntimeLaunch.LAUNCHER_JAR));
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.flush();
    }
    return runtime;
  }
}
