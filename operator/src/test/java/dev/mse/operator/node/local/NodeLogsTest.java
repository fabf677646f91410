package dev.mse.operator.node.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.node.NodeState;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's log stays bounded while its runtime writes, and goes once its retention is over. */
class NodeLogsTest {
  @TempDir Path dir;

  @Test
  void aRuntimeThatWritesWithoutEndKeepsAtMostTwiceTheCap() throws Exception {
    Path log = NodeFiles.privateFile(dir.resolve("runtime.log"));
    long cap = 64 * 1024;
    byte[] line = "x".repeat(1023).concat("\n").getBytes(StandardCharsets.US_ASCII);
    // The runtime's descriptor: opened for appending, as ProcessBuilder.Redirect.appendTo does.
    try (FileOutputStream runtime = new FileOutputStream(log.toFile(), true)) {
      for (int i = 0; i < 2048; i++) {
        runtime.write(line);
        if (i % 16 == 0) {
          LogRotation.capSize(log, cap);
        }
        long total = Files.size(log) + size(dir.resolve("runtime.log.1"));
        // each file holds at most the cap and what came between two checks
        assertThat(total).isLessThanOrEqualTo(2 * (cap + 17L * line.length));
      }
      runtime.write("the last line\n".getBytes(StandardCharsets.US_ASCII));
    }
    // 2 MiB were written; the end is still there, and both files are the operator's alone.
    assertThat(Files.readString(log)).endsWith("the last line\n");
    assertThat(dir.resolve("runtime.log.1")).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("runtime.log.1"))))
        .isEqualTo("rw-------");
  }

  @Test
  void theLogsOfNodesThatEndedAreRemovedAfterTheRetentionOnly() throws Exception {
    Path nodes = dir.resolve("nodes");
    LocalNodeProvider provider =
        new LocalNodeProvider(
            new LocalNodeProvider.Settings(
                nodes, dir.resolve("runtime"), "simulation", Duration.ofMinutes(1), 0),
            (UUID app, NodeState s, Optional<String> why) -> {});
    Instant now = Instant.now();
    Path old = endedNode(nodes, now.minus(Duration.ofDays(5)));
    Path recent = endedNode(nodes, now.minus(Duration.ofDays(1)));
    Path live = endedNode(nodes, now.minus(Duration.ofDays(5)));
    Files.writeString(live.resolve("node.json"), "{}");
    Path unrelated = Files.createDirectories(nodes.resolve("not-a-node"));

    provider.purgeEnded(now.minus(Duration.ofDays(4)));

    assertThat(old).doesNotExist();
    assertThat(recent).exists();
    assertThat(live).exists();
    assertThat(unrelated).exists();
  }

  private static Path endedNode(Path nodes, Instant lastLine) throws Exception {
    Path node = Files.createDirectories(nodes.resolve(UUID.randomUUID().toString()));
    Path log = Files.writeString(node.resolve("runtime.log"), "bye\n");
    Files.setLastModifiedTime(log, FileTime.from(lastLine));
    return node;
  }

  private static long size(Path p) throws Exception {
    return Files.exists(p) ? Files.size(p) : 0;
  }
}
