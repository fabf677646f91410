package dev.mse.attestation.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the few CBOR items mse needs (unsigned integers, byte and text strings, definite arrays
 * and maps, tags) in RFC 8949 §4.2.1 core deterministic form: every head uses the shortest encoding
 * of its argument and every length is definite. Map key order is the caller's job (see {@code
 * ClaimsCodec}). A full CBOR library is not worth a dependency for two small structures.
 */
public final class CborWriter {
  public static final int UNSIGNED = 0;
  public static final int BYTES = 2;
  public static final int TEXT = 3;
  public static final int ARRAY = 4;
  public static final int MAP = 5;
  public static final int TAG = 6;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public CborWriter head(int major, long argument) {
    if (argument < 0) {
      throw new IllegalArgumentException("CBOR arguments here are below 2^63");
    }
    int type = major << 5;
    if (argument < 24) {
      out.write(type | (int) argument);
    } else if (argument <= 0xffL) {
      out.write(type | 24);
      out.write((int) argument);
    } else if (argument <= 0xffffL) {
      out.write(type | 25);
      writeBigEndian(argument, 2);
    } else if (argument <= 0xffff_ffffL) {
      out.write(type | 26);
      writeBigEndian(argument, 4);
    } else {
      out.write(type | 27);
      writeBigEndian(argument, 8);
    }
    return this;
  }

  public CborWriter unsigned(long value) {
    return head(UNSIGNED, value);
  }

  public CborWriter bytes(byte[] value) {
    head(BYTES, value.length);
    out.writeBytes(value);
    return this;
  }

  public CborWriter text(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    head(TEXT, utf8.length);
    out.writeBytes(utf8);
    return this;
  }

  public CborWriter array(int size) {
    return head(ARRAY, size);
  }

  public CborWriter map(int size) {
    return head(MAP, size);
  }

  public CborWriter tag(long number) {
    return head(TAG, number);
  }

  /** Appends an already encoded item verbatim. */
  public CborWriter raw(byte[] encoded) {
    out.writeBytes(encoded);
    return this;
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private void writeBigEndian(long value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift) & 0xff);
    }
  }
}
