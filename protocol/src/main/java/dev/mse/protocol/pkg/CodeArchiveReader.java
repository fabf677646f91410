package dev.mse.protocol.pkg;

import dev.mse.attestation.codec.ByteString;
import dev.mse.protocol.text.UntrustedText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a code archive into memory inside the enclave. The bytes are untrusted until their digest
 * has been checked, and even then a bug in the owner's tooling must not become a path traversal, so
 * every entry is checked: only regular files and directories; relative paths without {@code .},
 * {@code ..}, empty segments, backslashes or control characters; no path twice, no file used as a
 * directory; and the {@link ArchiveLimits}. Anything else is a {@link CodeArchiveException}, never
 * another exception.
 */
public final class CodeArchiveReader {
  private CodeArchiveReader() {}

  public static ArchiveContents read(byte[] archive, ArchiveLimits limits)
      throws CodeArchiveException {
    return read(new ByteArrayInputStream(archive), limits);
  }

  /**
   * Reads {@code in} to the end of the archive. The tar library's own exceptions (including the
   * unchecked ones it throws on corrupt headers) are turned into {@link CodeArchiveException}.
   */
  public static ArchiveContents read(InputStream in, ArchiveLimits limits)
      throws CodeArchiveException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
      return readEntries(tar, limits);
    } catch (IOException | RuntimeException e) {
      // the library's message may quote the archive: bounded like any input
      throw new CodeArchiveException(
          "the code archive is not a valid tar: " + printable(String.valueOf(e.getMessage())), e);
    }
  }

  private static ArchiveContents readEntries(TarArchiveInputStream tar, ArchiveLimits limits)
      throws IOException, CodeArchiveException {
    SortedMap<String, ByteString> files = new TreeMap<>();
    SortedSet<String> directories = new TreeSet<>();
    Set<String> fileParents = new HashSet<>();
    long total = 0;
    int count = 0;
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      if (++count > limits.maxEntries()) {
        throw new CodeArchiveException(
            "the code archive has more than " + limits.maxEntries() + " entries");
      }
      String name = entry.getName();
      boolean directory = DeterministicTar.isDirectory(entry);
      if (!directory && !DeterministicTar.isRegularFile(entry)) {
        throw new CodeArchiveException(
            "the code archive entry " + printable(name) + " is not a regular file or directory");
      }
      if (entry.isSparse()) {
        throw new CodeArchiveException("the code archive entry " + printable(name) + " is sparse");
      }
      String path =
          checkedPath(
              directory && name.endsWith("/") ? name.substring(0, name.length() - 1) : name,
              limits);
      if (files.containsKey(path) || directories.contains(path)) {
        throw new CodeArchiveException("the code archive holds " + printable(path) + " twice");
      }
      if (directory) {
        if (fileParents.contains(path)) {
          throw new CodeArchiveException(
              "the code archive uses " + printable(path) + " as a directory and a file");
        }
        directories.add(path);
        continue;
      }
      if (fileParents.contains(path)) {
        throw new CodeArchiveException(
            "the code archive uses " + printable(path) + " as a directory and a file");
      }
      checkParents(path, files, fileParents);
      long size = entry.getSize();
      if (size < 0 || size > limits.maxTotalBytes() - total) {
        throw new CodeArchiveException(
            "the code archive holds more than " + limits.maxTotalBytes() + " bytes of content");
      }
      if (size > Integer.MAX_VALUE - 8) {
        throw new CodeArchiveException(
            "the code archive entry " + printable(path) + " is too large");
      }
      total += size;
      byte[] content = tar.readNBytes((int) size);
      if (content.length != size) {
        throw new CodeArchiveException("the code archive is truncated in " + printable(path));
      }
      files.put(path, ByteString.of(content));
    }
    return new ArchiveContents(files, directories);
  }

  private static void checkParents(
      String path, SortedMap<String, ByteString> files, Set<String> fileParents)
      throws CodeArchiveException {
    int slash = path.indexOf('/');
    while (slash >= 0) {
      String parent = path.substring(0, slash);
      if (files.containsKey(parent)) {
        throw new CodeArchiveException(
            "the code archive uses " + printable(parent) + " as a file and a directory");
      }
      fileParents.add(parent);
      slash = path.indexOf('/', slash + 1);
    }
  }

  private static String checkedPath(String path, ArchiveLimits limits) throws CodeArchiveException {
    if (path.isEmpty() || path.length() > limits.maxPathLength()) {
      throw new CodeArchiveException(
          "the code archive has an entry with an empty or too long path");
    }
    if (path.startsWith("/") || path.contains("\\")) {
      throw new CodeArchiveException(
          "the code archive entry " + printable(path) + " is not a relative path");
    }
    for (int i = 0; i < path.length(); i++) {
      if (Character.isISOControl(path.charAt(i))) {
        throw new CodeArchiveException(
            "the code archive entry " + printable(path) + " has a control character");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new CodeArchiveException(
            "the code archive entry " + printable(path) + " has an empty, '.' or '..' segment");
      }
    }
    return path;
  }

  private static String printable(String path) {
    return UntrustedText.excerpt(path);
  }
}
