package dev.mse.protocol.pkg;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Tar entries with nothing that depends on the machine or the moment: mtime 0, uid and gid 0, no
 * user or group names, mode 0644 for files and 0755 for directories, POSIX (pax) headers for long
 * or non-ASCII names, UTF-8. Two runs over the same files give the same bytes, so a digest of the
 * archive identifies the content.
 */
final class DeterministicTar {
  static final int FILE_MODE = 0100644;
  static final int DIRECTORY_MODE = 040755;

  private DeterministicTar() {}

  /** A plain file: type '0' (or the old NUL), not named like a directory. */
  static boolean isRegularFile(TarArchiveEntry entry) {
    byte type = entry.getLinkFlag();
    return (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM)
        && !entry.getName().endsWith("/");
  }

  /** A directory: type '5'. */
  static boolean isDirectory(TarArchiveEntry entry) {
    return entry.getLinkFlag() == TarConstants.LF_DIR;
  }

  static TarArchiveOutputStream open(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    return tar;
  }

  static TarArchiveEntry fileEntry(String path, long size) {
    TarArchiveEntry entry = fixed(new TarArchiveEntry(path, true), FILE_MODE);
    entry.setSize(size);
    return entry;
  }

  static TarArchiveEntry directoryEntry(String pathWithSlash) {
    return fixed(new TarArchiveEntry(pathWithSlash, true), DIRECTORY_MODE);
  }

  static void writeFile(TarArchiveOutputStream tar, String path, byte[] content)
      throws IOException {
    tar.putArchiveEntry(fileEntry(path, content.length));
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static TarArchiveEntry fixed(TarArchiveEntry entry, int mode) {
    entry.setMode(mode);
    entry.setModTime(FileTime.fromMillis(0));
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setUserName("");
    entry.setGroupName("");
    return entry;
  }
}
