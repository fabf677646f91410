package dev.mse.operator.node.runtime;

import java.util.List;

/**
 * The runtime JVM's memory settings for an enclave of a given size: the heap is a quarter of it (at
 * least 128 MB), code cache and direct buffers are capped, freed C heap is returned. The runtime
 * and the app share the heap; the rest of the enclave holds metaspace, thread stacks and the JVM
 * itself.
 */
public final class RuntimeMemory {
  private RuntimeMemory() {}

  public static List<String> jvmOptions(int enclaveSizeMb) {
    return List.of(
        "-Xmx" + heapMb(enclaveSizeMb) + "m",
        "-XX:+UseSerialGC",
        "-XX:ReservedCodeCacheSize=48m",
        "-XX:MaxDirectMemorySize=64m",
        // Gives the C heap the JVM freed (compiler arenas, mostly) back every 5 s: measured 217 MB
        // RSS after a long load instead of 234-269 MB (docs/benchmarks.md, session 4).
        "-XX:TrimNativeHeapInterval=5000");
  }

  public static int heapMb(int enclaveSizeMb) {
    return Math.max(128, enclaveSizeMb / 4);
  }
}
