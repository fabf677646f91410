package dev.mse.protocol.pkg;

import dev.mse.attestation.codec.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The code archive: a deterministic tar of the app directory minus {@code .mseignore} (DESIGN §5).
 * Its SHA-256 is the {@code code-sha256} claim, which users compare with an archive they build from
 * the published sources, so the same files must always give the same bytes: entries sorted by the
 * UTF-8 bytes of their path (a directory, written {@code dir/}, comes before its content), fixed
 * times, owners and modes (see {@link DeterministicTar}).
 *
 * <p>Only regular files and directories are archived. A symbolic link is refused rather than
 * followed or stored: following it could pull in files from outside the directory, and storing it
 * would let the archive point the enclave at paths outside the app.
 */
public final class CodeArchive {
  private CodeArchive() {}

  /** One archived path: directories end with {@code /}. */
  public record Entry(String path, Path source, boolean directory, long size) {}

  /** The archive of {@code directory}, honouring its {@code .mseignore}. */
  public static byte[] create(Path directory) throws IOException, CodeArchiveException {
    return create(directory, MseIgnore.load(directory));
  }

  /** The archive of {@code directory} with the given ignore rules. */
  public static byte[] create(Path directory, MseIgnore ignore)
      throws IOException, CodeArchiveException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(directory, ignore, out);
    return out.toByteArray();
  }

  /** Writes the archive to {@code out} (which is not closed). */
  public static void write(Path directory, MseIgnore ignore, OutputStream out)
      throws IOException, CodeArchiveException {
    List<Entry> entries = list(directory, ignore);
    TarArchiveOutputStream tar = DeterministicTar.open(new NonClosing(out));
    for (Entry entry : entries) {
      if (entry.directory()) {
        tar.putArchiveEntry(DeterministicTar.directoryEntry(entry.path()));
      } else {
        tar.putArchiveEntry(DeterministicTar.fileEntry(entry.path(), entry.size()));
        try (InputStream in = Files.newInputStream(entry.source(), LinkOption.NOFOLLOW_LINKS)) {
          long copied = in.transferTo(tar);
          if (copied != entry.size()) {
            throw new IOException(entry.source() + " changed while it was being archived");
          }
        }
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    tar.close();
  }

  /** The entries the archive of {@code directory} holds, in archive order. */
  public static List<Entry> list(Path directory, MseIgnore ignore)
      throws IOException, CodeArchiveException {
    BasicFileAttributes rootAttributes =
        Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!rootAttributes.isDirectory()) {
      throw new CodeArchiveException(directory + " is not a directory");
    }
    List<Entry> entries = new ArrayList<>();
    walk(directory, "", ignore, entries);
    entries.sort(
        Comparator.comparing(
            e -> e.path().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
    return entries;
  }

  /** {@code code-sha256}: the SHA-256 of the archive bytes. */
  public static ByteString sha256(byte[] archive) {
    return ByteString.of(archive).sha256();
  }

  private static void walk(Path dir, String prefix, MseIgnore ignore, List<Entry> out)
      throws IOException, CodeArchiveException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String path = prefix + child.getFileName().toString();
        BasicFileAttributes attributes =
            Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (ignore.excludes(path, attributes.isDirectory())) {
          continue;
        }
        if (attributes.isSymbolicLink()) {
          throw new CodeArchiveException(
              "the code directory holds a symbolic link, "
                  + path
                  + ": replace it with a copy of its target or list it in .mseignore");
        }
        if (attributes.isDirectory()) {
          out.add(new Entry(path + "/", child, true, 0));
          walk(child, path + "/", ignore, out);
        } else if (attributes.isRegularFile()) {
          out.add(new Entry(path, child, false, attributes.size()));
        } else {
          throw new CodeArchiveException(
              "the code directory holds " + path + ", which is not a regular file or directory");
        }
      }
    }
  }

  /** Lets the tar stream finish without closing the caller's stream. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
