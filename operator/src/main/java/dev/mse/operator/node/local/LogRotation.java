package dev.mse.operator.node.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Keeps a runtime's log bounded while the runtime writes it: beyond the cap the log is copied to
 * {@code runtime.log.1} (replacing the previous one) and truncated in place. The runtime writes
 * through a descriptor opened for appending, so it goes on at the new end; a node keeps at most
 * about twice the cap.
 */
final class LogRotation {
  private LogRotation() {}

  /** Rotates {@code log} when it is larger than {@code maxBytes}; true when it did. */
  static boolean capSize(Path log, long maxBytes) {
    try {
      if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) || Files.size(log) <= maxBytes) {
        return false;
      }
      Path previous = log.resolveSibling(log.getFileName() + ".1");
      Path tmp = log.resolveSibling(log.getFileName() + ".1.tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
        Files.copy(log, out);
      }
      Files.move(tmp, previous, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
        ch.truncate(0);
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
