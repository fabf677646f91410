package dev.mse.operator.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime's command line: its ahead-of-time cache read when the build made one. */
class RuntimeLaunchTest {
  @TempDir Path dir;

  private RuntimeLaunch launch(Path runtime) {
    return new RuntimeLaunch(
        runtime,
        dir.resolve("deployment.json"),
        dir.resolve("package.tar"),
        "127.0.0.1",
        40001,
        40002,
        dir.resolve("state"),
        dir.resolve("secrets"),
        dir.resolve("data"),
        "simulation",
        1024,
        90,
        dir,
        dir.resolve("runtime.log"),
        0);
  }

  @Test
  void readsTheCacheBesideTheDistributionBeforeTheLauncher() throws IOException {
    Path runtime = Files.createDirectories(dir.resolve("runtime"));
    Path cache =
        Files.createDirectories(dir.resolve(RuntimeLaunch.AOT_DIR))
            .resolve(RuntimeLaunch.AOT_CACHE);
    Files.writeString(cache, "cache");

    List<String> command = launch(runtime).command();

    assertThat(command).contains("-XX:AOTCache=" + cache);
    assertThat(command.indexOf("-XX:AOTCache=" + cache)).isLessThan(command.indexOf("-jar"));
    assertThat(command).noneMatch(a -> a.startsWith("-XX:AOTCacheOutput"));
    assertThat(command).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
  }

  @Test
  void startsWithoutACacheWhenTheBuildMadeNone() throws IOException {
    Path runtime = Files.createDirectories(dir.resolve("runtime"));

    assertThat(launch(runtime).command()).noneMatch(a -> a.startsWith("-XX:AOT"));
  }
}
