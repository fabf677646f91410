package dev.mse.protocol.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Hostile package files for tests, made without holding them: a tar header from commons-compress
 * (so its checksum and fields are what any tar tool writes), then content generated as it is read.
 * The stream counts what its reader took.
 */
final class HostileTar extends InputStream {
  private final byte[] head;
  private final long fillerLength;
  private final byte filler;
  private long served;

  private HostileTar(byte[] head, long fillerLength, byte filler) {
    this.head = head;
    this.fillerLength = fillerLength;
    this.filler = filler;
  }

  /**
   * A pax extended header of {@code size} bytes: one {@code path} record whose value fills it, then
   * (never reached) the rest of an archive.
   */
  static HostileTar paxHeader(long size) {
    String lengthField = Long.toString(size);
    String start = lengthField + " path=";
    byte[] header = header("././@PaxHeader", TarConstants.LF_PAX_EXTENDED_HEADER_LC, size);
    return new HostileTar(
        concat(header, start.getBytes(StandardCharsets.US_ASCII)),
        size - start.length(),
        (byte) 'a');
  }

  /** A GNU long-name entry of {@code size} bytes of name, as tar writes for names over 100. */
  static HostileTar gnuLongName(long size) {
    byte[] header = header("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME, size);
    return new HostileTar(header, size, (byte) 'n');
  }

  /** A header of {@code type} named {@code name} claiming {@code size} bytes, then that many. */
  static HostileTar entry(String name, byte type, long size) {
    return new HostileTar(header(name, type, size), size, (byte) 'z');
  }

  /** The whole stream in memory: only for small ones. */
  byte[] toBytes() {
    try {
      return readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes the reader has taken so far. */
  long served() {
    return served;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    long total = head.length + fillerLength;
    if (served >= total) {
      return -1;
    }
    int n = (int) Math.min(len, total - served);
    for (int i = 0; i < n; i++) {
      long at = served + i;
      b[off + i] = at < head.length ? head[(int) at] : filler;
    }
    served += n;
    return n;
  }

  static byte[] header(String name, byte type, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
    entry.setSize(size);
    if (type == TarConstants.LF_SYMLINK || type == TarConstants.LF_LINK) {
      entry.setLinkName("/etc/passwd");
    }
    byte[] block = new byte[512];
    entry.writeEntryHeader(block);
    return block;
  }

  /** A tar of one {@code type} entry named {@code name} with {@code content}, and its end. */
  static byte[] tarOf(String name, byte type, byte[] content) {
    byte[] padded = Arrays.copyOf(content, (content.length + 511) / 512 * 512);
    return concat(concat(header(name, type, content.length), padded), new byte[1024]);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
