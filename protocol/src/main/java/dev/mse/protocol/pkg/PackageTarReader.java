package dev.mse.protocol.pkg;

import dev.mse.protocol.text.UntrustedText;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the outer tar of a package file ({@link AppPackage}) from a stream, one 512-byte block at a
 * time, and accepts exactly what {@link AppPackage#create} writes: ustar headers with a valid
 * checksum, regular files with the expected names and bounded sizes, zero padding, then nothing but
 * the end-of-archive zero blocks.
 *
 * <p>Anything else (a pax or GNU extension header, a link, a device, a directory, another name, an
 * entry larger than the caller allows, data after the last file) is refused at its header, before
 * any of its content is read: what the input says never decides how much is read or held beyond the
 * caller's bounds. Not commons-compress here: its newest release (1.28.0) buffers a pax header or a
 * GNU long name of any size before its caller sees the entry (the bound, COMPRESS-723, is not
 * released yet), and two plain files need none of what it offers.
 */
final class PackageTarReader {
  static final int BLOCK = 512;

  /** The most end-of-archive zeros accepted: a 10 KiB tar record and then some. */
  static final int MAX_TRAILER = 64 * 1024;

  private static final byte[] MAGIC = "ustar\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] VERSION = "00".getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private String current = "";
  private long left;
  private int padding;

  PackageTarReader(InputStream in) {
    this.in = in;
  }

  /**
   * Reads the next header, which must be the regular file {@code name} of at most {@code maxSize}
   * bytes, and returns its size. Skips whatever the previous file had left unread.
   */
  long nextFile(String name, long maxSize) throws IOException, AppPackageException {
    finishEntry();
    byte[] header = in.readNBytes(BLOCK);
    if (header.length < BLOCK || isZero(header)) {
      throw new AppPackageException("the package has no " + name);
    }
    if (!checksumMatches(header)) {
      throw new AppPackageException("the package is not a tar file (bad header checksum)");
    }
    byte type = header[156];
    if (type != '0' && type != 0) {
      throw new AppPackageException(
          "expected the regular file " + name + " in the package, found " + describe(type));
    }
    if (!Arrays.equals(header, 257, 263, MAGIC, 0, MAGIC.length)
        || !Arrays.equals(header, 263, 265, VERSION, 0, VERSION.length)) {
      throw new AppPackageException("the package is not a POSIX ustar file");
    }
    byte[] expected = name.getBytes(StandardCharsets.US_ASCII);
    if (!Arrays.equals(header, 0, expected.length, expected, 0, expected.length)
        || !isZero(header, expected.length, 100)
        || !isZero(header, 345, 500)) {
      throw new AppPackageException(
          "expected the regular file "
              + name
              + " in the package, found "
              + UntrustedText.excerpt(field(header, 0, 100)));
    }
    long size = octal(header, 124, 12);
    if (size < 0) {
      throw new AppPackageException("the size of " + name + " in the package is not a number");
    }
    if (size > maxSize) {
      throw new AppPackageException(
          name + " is " + size + " bytes, more than the " + maxSize + " allowed");
    }
    current = name;
    left = size;
    padding = (int) ((BLOCK - size % BLOCK) % BLOCK);
    return size;
  }

  /** The next {@code length} bytes of the current file (at most what it has left). */
  byte[] read(int length) throws IOException, AppPackageException {
    if (length > left) {
      throw new IllegalArgumentException(current + " has only " + left + " bytes left");
    }
    byte[] content = in.readNBytes(length);
    if (content.length != length) {
      throw truncated();
    }
    left -= length;
    return content;
  }

  /**
   * After the last file: the rest must be the end-of-archive zero blocks (at least two, at most
   * {@value #MAX_TRAILER} bytes).
   */
  void end() throws IOException, AppPackageException {
    finishEntry();
    byte[] rest = in.readNBytes(MAX_TRAILER + 1);
    if (rest.length >= BLOCK && !isZero(rest, 0, BLOCK)) {
      throw new AppPackageException(
          "the package holds more than "
              + AppPackage.MANIFEST_ENTRY
              + " and "
              + AppPackage.CODE_ENTRY);
    }
    if (rest.length < 2 * BLOCK || rest.length > MAX_TRAILER || !isZero(rest)) {
      throw new AppPackageException("the package does not end as a tar file does");
    }
  }

  private void finishEntry() throws IOException, AppPackageException {
    try {
      in.skipNBytes(left);
    } catch (EOFException e) {
      throw truncated();
    }
    left = 0;
    byte[] pad = in.readNBytes(padding);
    if (pad.length != padding) {
      throw truncated();
    }
    if (!isZero(pad)) {
      throw new AppPackageException("the package has data between its files");
    }
    padding = 0;
  }

  private AppPackageException truncated() {
    return new AppPackageException("the package is truncated in " + current);
  }

  /** The header sums to its checksum field, which counts as eight spaces (POSIX). */
  private static boolean checksumMatches(byte[] header) {
    long stored = octal(header, 148, 8);
    long sum = 8 * ' ';
    for (int i = 0; i < BLOCK; i++) {
      if (i < 148 || i >= 156) {
        sum += header[i] & 0xff;
      }
    }
    return stored == sum;
  }

  /**
   * An octal field: optional leading spaces, at least one digit, then only NULs or spaces; -1 for
   * anything else, including the base-256 form (never needed for a package's sizes).
   */
  private static long octal(byte[] header, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end && header[i] == ' ') {
      i++;
    }
    long value = 0;
    int digits = 0;
    while (i < end && header[i] >= '0' && header[i] <= '7') {
      value = value * 8 + (header[i] - '0');
      digits++;
      i++;
    }
    for (; i < end; i++) {
      if (header[i] != 0 && header[i] != ' ') {
        return -1;
      }
    }
    return digits == 0 ? -1 : value;
  }

  private static byte[] field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(header, offset, end);
  }

  private static String describe(byte type) {
    return switch (type) {
      case '1' -> "a hard link";
      case '2' -> "a symbolic link";
      case '3' -> "a character device";
      case '4' -> "a block device";
      case '5' -> "a directory";
      case '6' -> "a FIFO";
      case '7' -> "a contiguous file";
      case 'x', 'X' -> "a pax extended header";
      case 'g' -> "a pax global header";
      case 'L', 'K' -> "a GNU long name";
      case 'S' -> "a GNU sparse file";
      default -> String.format("an entry of type 0x%02x", type & 0xff);
    };
  }

  private static boolean isZero(byte[] bytes) {
    return isZero(bytes, 0, bytes.length);
  }

  private static boolean isZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
