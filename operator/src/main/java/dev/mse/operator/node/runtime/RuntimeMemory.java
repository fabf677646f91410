package dev.mse.operator.node.runtime;

import java.util.List;

/**
 * How an enclave of a given size is shared inside the runtime's JVM, which also runs the app: every
 * part the JVM can bound is bounded, so that the sum stays within the enclave (under a confidential
 * VM or the local provider, within the cgroup's {@code memory.max}, which also counts the tmpfs
 * pages of the app's files).
 *
 * <p>For an enclave of {@code S} MB (docs/operator.md has the table):
 *
 * <ul>
 *   <li>code cache {@code S/16} (64 to 240 MB): Spring Boot and Quarkus compile more than 48 MB at
 *       start;
 *   <li>metaspace {@code S/8} (96 to 512 MB): the classes of a Spring Boot app take 60-80 MB;
 *   <li>direct memory {@code S/8} (32 to 512 MB): Netty's and Vert.x's pooled buffers;
 *   <li>the JVM itself {@code S/8} (96 to 512 MB): thread stacks, GC structures, compiler arenas,
 *       symbol tables, malloc;
 *   <li>the app's files {@code S/4}: the decrypted package on tmpfs, so a package larger than this
 *       is refused at deploy ({@link #maxPackageBytes});
 *   <li>the heap, shared by the runtime and the app: the rest, at least 64 MB.
 * </ul>
 *
 * On the smallest default offer (1024 MB) that is 320 MB of heap, 128 MB of metaspace, 64 MB of
 * code cache and 128 MB of direct memory: enough for Spring Boot 4 (starter-web) and Quarkus 3.
 *
 * @param heapMb {@code -Xmx}
 * @param metaspaceMb {@code -XX:MaxMetaspaceSize}
 * @param codeCacheMb {@code -XX:ReservedCodeCacheSize}
 * @param directMb {@code -XX:MaxDirectMemorySize}
 * @param nativeMb what the JVM itself needs beyond the bounded parts (not a JVM option)
 * @param filesMb the app's files on tmpfs (not a JVM option)
 */
public record RuntimeMemory(
    int heapMb, int metaspaceMb, int codeCacheMb, int directMb, int nativeMb, int filesMb) {

  /** The smallest heap given, whatever the enclave size. */
  static final int MIN_HEAP_MB = 64;

  private static final long MB = 1024L * 1024;

  /** The split for an enclave of {@code enclaveSizeMb}. */
  public static RuntimeMemory of(int enclaveSizeMb) {
    if (enclaveSizeMb < 1) {
      throw new IllegalArgumentException("the enclave size is positive");
    }
    int codeCache = clamp(enclaveSizeMb / 16, 64, 240);
    int metaspace = clamp(enclaveSizeMb / 8, 96, 512);
    int direct = clamp(enclaveSizeMb / 8, 32, 512);
    int jvm = clamp(enclaveSizeMb / 8, 96, 512);
    int files = enclaveSizeMb / 4;
    int heap = Math.max(MIN_HEAP_MB, enclaveSizeMb - codeCache - metaspace - direct - jvm - files);
    return new RuntimeMemory(heap, metaspace, codeCache, direct, jvm, files);
  }

  /** The JVM options of the split. */
  public List<String> options() {
    return List.of(
        "-Xmx" + heapMb + "m",
        "-XX:MaxMetaspaceSize=" + metaspaceMb + "m",
        "-XX:ReservedCodeCacheSize=" + codeCacheMb + "m",
        "-XX:MaxDirectMemorySize=" + directMb + "m",
        "-XX:+UseSerialGC",
        // Gives the C heap the JVM freed (compiler arenas, mostly) back every 5 s: measured 217 MB
        // RSS after a long load instead of 234-269 MB (docs/benchmarks.md, session 4).
        "-XX:TrimNativeHeapInterval=5000");
  }

  /**
   * The largest encrypted package whose files fit this enclave (the package is the plaintext tar,
   * encrypted: its size is that of the files, plus a few headers).
   */
  public long maxPackageBytes() {
    return filesMb * MB;
  }

  /** The JVM options for an enclave of {@code enclaveSizeMb}. */
  public static List<String> jvmOptions(int enclaveSizeMb) {
    return of(enclaveSizeMb).options();
  }

  /** The heap of an enclave of {@code enclaveSizeMb}. */
  public static int heapMb(int enclaveSizeMb) {
    return of(enclaveSizeMb).heapMb();
  }

  private static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }
}
