package dev.mse.protocol.pkg;

/**
 * Bounds for reading an untrusted archive, so that hostile bytes cannot exhaust the enclave's
 * memory (which is small and cannot swap).
 *
 * @param maxEntries most entries (files and directories)
 * @param maxTotalBytes most bytes of file content, all files together (one file is also bounded by
 *     the largest Java array)
 * @param maxPathLength most characters in one path
 */
public record ArchiveLimits(int maxEntries, long maxTotalBytes, int maxPathLength) {
  /** 65,536 entries, 1 GiB of content, 4,096-character paths. */
  public static final ArchiveLimits DEFAULT = new ArchiveLimits(65_536, 1L << 30, 4096);

  public ArchiveLimits {
    if (maxEntries < 0 || maxTotalBytes < 0 || maxPathLength < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
