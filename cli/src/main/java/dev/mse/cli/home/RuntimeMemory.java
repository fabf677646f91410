package dev.mse.cli.home;

import java.util.List;

/**
 * The runtime JVM's memory settings for an enclave of a given size: the heap is a quarter of it (at
 * least 128 MB), code cache and direct buffers are capped. The runtime and the app share the heap;
 * the rest of the enclave holds metaspace, thread stacks and the JVM itself.
 */
final class RuntimeMemory {
  private RuntimeMemory() {}

  static List<String> jvmOptions(int enclaveSizeMb) {
    return List.of(
        "-Xmx" + heapMb(enclaveSizeMb) + "m",
        "-XX:+UseSerialGC",
        "-XX:ReservedCodeCacheSize=48m",
        "-XX:MaxDirectMemorySize=64m");
  }

  static int heapMb(int enclaveSizeMb) {
    return Math.max(128, enclaveSizeMb / 4);
  }
}
