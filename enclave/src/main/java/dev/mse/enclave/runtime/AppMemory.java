package dev.mse.enclave.runtime;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What memory the app gets in this JVM, for the status and the evidence: the heap's maximum and the
 * direct (off-heap NIO) memory's, which is {@code -XX:MaxDirectMemorySize} or, unset, the heap's
 * maximum (the JVM's default).
 */
record AppMemory(long heapMaxBytes, long directMaxBytes) {
  private static final String DIRECT = "-XX:MaxDirectMemorySize=";

  static AppMemory ofThisJvm() {
    long heap = Runtime.getRuntime().maxMemory();
    long direct = heap;
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith(DIRECT)) {
        direct = bytes(argument.substring(DIRECT.length()), heap);
      }
    }
    return new AppMemory(heap, direct);
  }

  /** A JVM size ({@code 512m}, {@code 2G}, {@code 1048576}); {@code fallback} when unreadable. */
  static long bytes(String size, long fallback) {
    String s = size.trim().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      return fallback;
    }
    int shift =
        switch (s.charAt(s.length() - 1)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          case 't' -> 40;
          default -> 0;
        };
    try {
      long n = Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1));
      return n == 0 ? fallback : n << shift;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
