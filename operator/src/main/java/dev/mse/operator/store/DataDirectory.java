package dev.mse.operator.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The operator's data directory (database, TLS keys, packages, uploads) is the operator's alone:
 * the directory and every directory in it 0700, every file 0600. Created that way, and tightened
 * whenever the operator starts, since the database writes its files with the process's umask.
 */
public final class DataDirectory {
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private DataDirectory() {}

  /** Creates {@code dir} (0700) if absent and tightens what is in it. */
  public static void secure(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
    }
    tighten(dir);
  }

  /** Sets 0700 on {@code dir} and its directories and 0600 on its files (links are left alone). */
  public static void tighten(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(p, DIR);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(p, FILE);
        }
      }
    }
  }
}
