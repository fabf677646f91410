package dev.mse.operator.node.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory and CPU of a hardware offer, enforced on a runtime process through cgroup v2 when the
 * host has a writable cgroup v2 hierarchy with the memory and cpu controllers. Elsewhere (cgroup v1
 * hosts, containers without delegation) the limits are not enforced, which the operator log says
 * once; the JVM still sizes itself from {@code -Xmx} and {@code -XX:ActiveProcessorCount}.
 */
final class NodeLimits {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLimits.class);
  private static final String GROUP = "mse-operator";

  private final Optional<Path> parent;

  private NodeLimits(Optional<Path> parent) {
    this.parent = parent;
  }

  /** Finds a usable cgroup v2 hierarchy, or says once that limits are not enforced. */
  static NodeLimits detect() {
    Optional<Path> root = cgroup2Mount().filter(NodeLimits::usable);
    if (root.isEmpty()) {
      LOG.warn(
          "no writable cgroup v2 with the memory and cpu controllers: the offers' memory and CPU"
              + " are not enforced on runtimes (their JVMs are still sized by -Xmx and"
              + " -XX:ActiveProcessorCount)");
      return new NodeLimits(Optional.empty());
    }
    Path parent = root.get().resolve(GROUP);
    try {
      Files.createDirectories(parent);
      Files.writeString(root.get().resolve("cgroup.subtree_control"), "+memory +cpu");
      Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory +cpu");
      LOG.info("runtimes' memory and CPU are enforced with cgroup v2 under {}", parent);
      return new NodeLimits(Optional.of(parent));
    } catch (IOException e) {
      LOG.warn(
          "cgroup v2 at {} cannot be used ({}): the offers' memory and CPU are not enforced on"
              + " runtimes",
          root.get(),
          e.getMessage());
      return new NodeLimits(Optional.empty());
    }
  }

  /** The cgroup of a node, made with its limits, or empty when limits are not enforced. */
  Optional<Path> prepare(UUID appId, int memoryMb, int cores) throws IOException {
    if (parent.isEmpty()) {
      return Optional.empty();
    }
    Path group = parent.get().resolve(appId.toString());
    Files.createDirectories(group);
    Files.writeString(group.resolve("memory.max"), Long.toString(memoryMb * 1024L * 1024L));
    Files.writeString(group.resolve("memory.swap.max"), "0");
    Files.writeString(group.resolve("cpu.max"), (cores * 100_000L) + " 100000");
    return Optional.of(group);
  }

  /** Removes the node's cgroup once its processes are gone. */
  void remove(UUID appId) {
    parent.ifPresent(
        p -> {
          try {
            Files.deleteIfExists(p.resolve(appId.toString()));
          } catch (IOException e) {
            LOG.warn("cannot remove the cgroup of app {}: {}", appId, e.getMessage());
          }
        });
  }

  private static Optional<Path> cgroup2Mount() {
    try {
      List<String> mounts = Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8);
      for (String line : mounts) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[2].equals("cgroup2")) {
          return Optional.of(Path.of(f[1]));
        }
      }
    } catch (IOException e) {
      // not Linux, or no /proc
    }
    return Optional.empty();
  }

  private static boolean usable(Path root) {
    try {
      List<String> controllers =
          List.of(Files.readString(root.resolve("cgroup.controllers")).trim().split("\\s+"));
      return controllers.contains("memory")
          && controllers.contains("cpu")
          && Files.isWritable(root.resolve("cgroup.subtree_control"));
    } catch (IOException e) {
      return false;
    }
  }
}
