package dev.mse.operator.node.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime distribution behind a directory closed to other users (a clone under a 0700 home) is
 * published as a readable copy for the runtime users, named for its content.
 */
class PublishedRuntimeTest {
  @TempDir Path work;

  @Test
  void aClosedDistributionIsPublishedReadableAndReused() throws Exception {
    Path home = Files.createDirectories(work.resolve("home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Path runtime = Files.createDirectories(home.resolve("runtime").resolve("lib"));
    Files.writeString(runtime.resolveSibling("mse-enclave.jar"), "the runtime");
    Files.writeString(runtime.resolve("a.jar"), "a library");
    Path dist = runtime.getParent();
    assertThat(NodeFiles.unreachableByOthers(dist.resolve("mse-enclave.jar"), true)).isPresent();

    Path shared = Files.createDirectories(work.resolve("shared"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path copy = NodeFiles.publishedCopy(dist, shared);

    assertThat(copy.getFileName().toString()).startsWith("runtime-");
    assertThat(Files.readString(copy.resolve("mse-enclave.jar"))).isEqualTo("the runtime");
    assertThat(Files.readString(copy.resolve("lib").resolve("a.jar"))).isEqualTo("a library");
    assertThat(NodeFiles.unreachableByOthers(copy.resolve("mse-enclave.jar"), true)).isEmpty();
    assertThat(NodeFiles.unreachableByOthers(copy.resolve("lib").resolve("a.jar"), true)).isEmpty();
    assertThat(NodeFiles.publishedCopy(dist, shared)).isEqualTo(copy);

    Files.writeString(runtime.resolve("a.jar"), "another library");
    assertThat(NodeFiles.publishedCopy(dist, shared)).isNotEqualTo(copy);
  }
}
