package dev.mse.attestation.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the strict deterministic CBOR subset that {@link CborWriter} writes and rejects everything
 * else: non-shortest heads, indefinite lengths, reserved additional-information values, negative
 * integers (unless read with {@link #integer}), floats and simple values (but {@code null} through
 * {@link #nullValue}), malformed UTF-8, and lengths past the end of the input or past the caller's
 * limit. Accepting only one encoding per value is what makes "decode, then re-encode" give back the
 * signed bytes.
 */
public final class CborReader {
  private final byte[] data;
  private int position;

  public CborReader(byte[] data) {
    this.data = data;
  }

  public int position() {
    return position;
  }

  public boolean atEnd() {
    return position == data.length;
  }

  public void expectEnd() throws CborFormatException {
    if (!atEnd()) {
      throw new CborFormatException(
          (data.length - position) + " trailing byte(s) after the CBOR item at offset " + position);
    }
  }

  /** The major type of the next item, without consuming it. */
  public int peekMajor() throws CborFormatException {
    if (atEnd()) {
      throw new CborFormatException("unexpected end of input at offset " + position);
    }
    return (data[position] & 0xff) >>> 5;
  }

  public long unsigned(String what) throws CborFormatException {
    return head(CborWriter.UNSIGNED, what);
  }

  /**
   * A signed integer (major type 0 or 1). COSE headers need negative ones ({@code alg: -35}); the
   * claims format has none and reads with {@link #unsigned}, which still refuses them.
   */
  public long integer(String what) throws CborFormatException {
    if (peekMajor() == 1) {
      return -1 - head(1, what);
    }
    return head(CborWriter.UNSIGNED, what);
  }

  /** Consumes a CBOR {@code null} (0xf6) if one comes next; says whether it did. */
  public boolean nullValue() throws CborFormatException {
    peekMajor();
    if ((data[position] & 0xff) == 0xf6) {
      position++;
      return true;
    }
    return false;
  }

  public byte[] bytes(int maxLength, String what) throws CborFormatException {
    int length = length(CborWriter.BYTES, maxLength, what);
    byte[] value = Arrays.copyOfRange(data, position, position + length);
    position += length;
    return value;
  }

  public String text(int maxLength, String what) throws CborFormatException {
    int length = length(CborWriter.TEXT, maxLength, what);
    try {
      String value =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(data, position, length))
              .toString();
      position += length;
      return value;
    } catch (CharacterCodingException e) {
      throw new CborFormatException(what + " is not valid UTF-8");
    }
  }

  public int array(int maxSize, String what) throws CborFormatException {
    return count(CborWriter.ARRAY, maxSize, what);
  }

  public int map(int maxSize, String what) throws CborFormatException {
    return count(CborWriter.MAP, maxSize, what);
  }

  public long tag(String what) throws CborFormatException {
    return head(CborWriter.TAG, what);
  }

  /** The encoded bytes from {@code start} to the current position. */
  public byte[] slice(int start) {
    return Arrays.copyOfRange(data, start, position);
  }

  private int count(int major, int max, String what) throws CborFormatException {
    long n = head(major, what);
    if (n > max) {
      throw new CborFormatException(what + " has " + n + " entries; at most " + max + " allowed");
    }
    return (int) n;
  }

  private int length(int major, int max, String what) throws CborFormatException {
    long n = head(major, what);
    if (n > max) {
      throw new CborFormatException(what + " is " + n + " bytes long; at most " + max + " allowed");
    }
    if (n > data.length - position) {
      throw new CborFormatException(what + " runs past the end of the input");
    }
    return (int) n;
  }

  /** Reads a head of the expected major type and returns its argument. */
  private long head(int expectedMajor, String what) throws CborFormatException {
    int start = position;
    int major = peekMajor();
    int info = data[position] & 0x1f;
    if (major != expectedMajor) {
      throw new CborFormatException(
          what + ": expected " + name(expectedMajor) + ", found " + name(major) + " at " + start);
    }
    position++;
    if (info < 24) {
      return info;
    }
    if (info == 31) {
      throw new CborFormatException(
          what + ": indefinite lengths are not allowed (at " + start + ")");
    }
    if (info > 27) {
      throw new CborFormatException(what + ": reserved additional information " + info);
    }
    int size = 1 << (info - 24);
    if (size > data.length - position) {
      throw new CborFormatException(what + ": truncated head at offset " + start);
    }
    long value = 0;
    for (int i = 0; i < size; i++) {
      value = (value << 8) | (data[position++] & 0xff);
    }
    long smallest = size == 1 ? 24 : 1L << (8 * (size / 2));
    if (value >= 0 && value < smallest) {
      throw new CborFormatException(
          what + ": not the shortest encoding of " + value + " (at offset " + start + ")");
    }
    if (value < 0) {
      throw new CborFormatException(what + ": value too large (at offset " + start + ")");
    }
    return value;
  }

  private static String name(int major) {
    return switch (major) {
      case 0 -> "an unsigned integer";
      case 1 -> "a negative integer";
      case 2 -> "a byte string";
      case 3 -> "a text string";
      case 4 -> "an array";
      case 5 -> "a map";
      case 6 -> "a tag";
      default -> "a float or simple value";
    };
  }
}
