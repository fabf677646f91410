package dev.mse.operator.node.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process, from {@code /proc/<pid>/stat} (Linux). */
final class ProcessCpu {
  /** USER_HZ: the unit of utime and stime; 100 on every Linux the JDK runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcessCpu() {}

  /** User plus system seconds, or 0 when the process is gone or this is not Linux. */
  static double seconds(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      // The command name (field 2) is in parentheses and may hold spaces: count from its end.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
