package dev.mse.operator.node.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pieces of the local node provider: its record on disk, log tails, CPU time. */
class LocalNodeFilesTest {
  @TempDir Path dir;

  @Test
  void theNodeRecordSurvivesARoundTripAndIsReplacedAtomically() throws Exception {
    Path file = dir.resolve("node.json");
    NodeRecord r = new NodeRecord(40001, 40002, -1, "simulation", 1024, 210001);
    r.write(file);
    r.withPid(1234).write(file);
    assertThat(NodeRecord.read(file))
        .isEqualTo(new NodeRecord(40001, 40002, 1234, "simulation", 1024, 210001));
    assertThat(dir.resolve("node.json.tmp")).doesNotExist();
  }

  @Test
  void aDamagedRecordIsAnIoErrorNotACrash() throws Exception {
    Path file = dir.resolve("node.json");
    Files.writeString(file, "{\"port\": ");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeRecord.read(file))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("cannot be read");
  }

  @Test
  void theLogTailStartsAtALineWhenItCutsTheFile() throws Exception {
    Path log = dir.resolve("runtime.log");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      b.append("line ").append(i).append('\n');
    }
    Files.writeString(log, b, StandardCharsets.UTF_8);
    String tail = LogTail.of(log, 100);
    assertThat(tail).endsWith("line 999\n").startsWith("line ");
    assertThat(tail.length()).isLessThanOrEqualTo(100);
    assertThat(LogTail.of(log, 1 << 20)).startsWith("line 0\n");
    assertThat(LogTail.of(dir.resolve("absent.log"), 100)).isEmpty();
  }

  @Test
  void cpuTimeOfThisProcessIsReadAndOfAMissingOneIsZero() {
    // Burn a little CPU so the counter has moved past zero.
    long x = 0;
    for (int i = 0; i < 50_000_000; i++) {
      x += i ^ (x >>> 3);
    }
    assertThat(x).isNotZero();
    assertThat(ProcessCpu.seconds(ProcessHandle.current().pid())).isPositive();
    assertThat(ProcessCpu.seconds(Long.MAX_VALUE)).isZero();
  }
}
