package dev.mse.operator.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mse.operator.OperatorException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 9 of issue 12, at the operator's upload check: a 20 MiB entry name came back in the error
 * body. Now the upload is refused at its first header with a 400 whose message is short.
 */
class PackageFileTest {
  private static final long MAX = 256L << 20;

  @TempDir Path dir;

  @Test
  void aTwentyMebibyteLongNameIsA400WithAShortMessage() throws Exception {
    Path upload = tar(TarConstants.LF_GNUTYPE_LONGNAME, "././@LongLink", 20 << 20, (byte) 'n');

    OperatorException e = refused(upload);

    assertThat(e.getMessage())
        .isEqualTo(
            "The package is not an mse app package: expected the regular file manifest.json in"
                + " the package, found a GNU long name.");
  }

  @Test
  void aTwentyMebibytePaxPathIsA400WithAShortMessage() throws Exception {
    Path upload =
        tar(TarConstants.LF_PAX_EXTENDED_HEADER_LC, "././@PaxHeader", 20 << 20, (byte) 'p');

    OperatorException e = refused(upload);

    assertThat(e.getMessage()).contains("found a pax extended header").hasSizeLessThan(200);
  }

  @Test
  void aSymbolicLinkNamedLikeTheManifestIsA400() throws Exception {
    Path upload = tar(TarConstants.LF_SYMLINK, "manifest.json", 0, (byte) 0);

    assertThat(refused(upload).getMessage()).endsWith("found a symbolic link.");
  }

  private OperatorException refused(Path upload) {
    OperatorException e =
        catchThrowableOfType(
            OperatorException.class, () -> PackageFile.checkStructure(upload, MAX));
    assertThat(e.kind()).isEqualTo(OperatorException.Kind.BAD_REQUEST);
    assertThat(e.code()).isEqualTo("invalid_package");
    assertThat(e.getMessage()).hasSizeLessThan(200);
    return e;
  }

  /** A tar whose first entry is {@code type} with {@code size} bytes of {@code filler}. */
  private Path tar(byte type, String name, int size, byte filler) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
    entry.setSize(size);
    if (type == TarConstants.LF_SYMLINK) {
      entry.setLinkName("/etc/passwd");
    }
    byte[] header = new byte[512];
    entry.writeEntryHeader(header);
    Path file = dir.resolve("upload.tar");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(header);
      byte[] chunk = new byte[1 << 20];
      Arrays.fill(chunk, filler);
      if (type == TarConstants.LF_PAX_EXTENDED_HEADER_LC) {
        byte[] start = (size + " path=").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, chunk, 0, start.length);
      }
      for (int left = size; left > 0; left -= chunk.length) {
        out.write(chunk, 0, Math.min(left, chunk.length));
        Arrays.fill(chunk, 0, 64, filler);
      }
      out.write(new byte[(512 - size % 512) % 512 + 1024]);
    }
    return file;
  }
}
