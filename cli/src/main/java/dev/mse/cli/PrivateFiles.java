package dev.mse.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files only their owner may read: keys (mode 0600) in directories of mode 0700. */
public final class PrivateFiles {
  private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private PrivateFiles() {}

  /** Creates {@code dir} (mode 0700 for the directories it makes). */
  public static void directory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, DIR_MODE);
      }
    } catch (IOException e) {
      throw new UserError("cannot create the directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code content} to {@code file} with mode 0600 from the first byte: a temporary file
   * made with that mode, then moved into place.
   */
  public static void write(Path file, byte[] content) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
      Path temporary = Files.createTempFile(parent, ".mse-", ".tmp", FILE_MODE);
      try {
        Files.write(temporary, content);
        Files.move(
            temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UserError("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a file anyone may read (certificates, public keys, evidence). */
  public static void writePublic(Path file, byte[] content) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.write(file, content);
    } catch (IOException e) {
      throw new UserError("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
