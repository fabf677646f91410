package dev.mse.attestation.codec;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable sequence of bytes with value semantics, so that records holding measurements, keys
 * and signatures compare and print sensibly. Equality is constant-time: measurements are compared
 * against expectations with it.
 */
public final class ByteString implements Comparable<ByteString> {
  private static final HexFormat HEX = HexFormat.of();
  public static final ByteString EMPTY = new ByteString(new byte[0]);

  private final byte[] bytes;

  /** SHA-256 of the bytes, computed on first use: immutable bytes have one digest. */
  private volatile ByteString sha256;

  private ByteString(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}. */
  public static ByteString of(byte[] bytes) {
    return new ByteString(bytes.clone());
  }

  /** Copies {@code length} bytes of {@code bytes} from {@code offset}. */
  public static ByteString copyOf(byte[] bytes, int offset, int length) {
    return new ByteString(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /**
   * Parses hexadecimal digits (either case, optional {@code 0x}); throws {@link
   * IllegalArgumentException} on anything else.
   */
  public static ByteString fromHex(String hex) {
    String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    return new ByteString(HEX.parseHex(digits));
  }

  public int size() {
    return bytes.length;
  }

  public byte byteAt(int index) {
    return bytes[index];
  }

  /** Unsigned value of the byte at {@code index}. */
  public int unsignedAt(int index) {
    return bytes[index] & 0xff;
  }

  public byte[] toByteArray() {
    return bytes.clone();
  }

  public ByteString substring(int from, int to) {
    return new ByteString(Arrays.copyOfRange(bytes, from, to));
  }

  public boolean isAllZero() {
    int acc = 0;
    for (byte b : bytes) {
      acc |= b;
    }
    return acc == 0;
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  public ByteString sha256() {
    ByteString digest = sha256;
    if (digest == null) {
      try {
        digest = new ByteString(MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is always present in the JDK", e);
      }
      sha256 = digest;
    }
    return digest;
  }

  /** Feeds these bytes to a digest or signature without copying them. */
  public void writeTo(MessageDigest digest) {
    digest.update(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteString other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(ByteString o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
