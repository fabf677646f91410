package dev.mse.attestation.codec;

/**
 * Reads little-endian fields from a byte array and never reads past its end: every read checks the
 * remaining length first and fails with a {@link TruncatedException} that names the field.
 */
public final class ByteReader {
  private final byte[] data;
  private final int end;
  private int position;

  public ByteReader(byte[] data) {
    this(data, 0, data.length);
  }

  public ByteReader(byte[] data, int offset, int length) {
    if (offset < 0 || length < 0 || offset > data.length - length) {
      throw new IllegalArgumentException("range outside the array");
    }
    this.data = data;
    this.position = offset;
    this.end = offset + length;
  }

  /** Thrown when a field runs past the end of the input. */
  public static final class TruncatedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;

    TruncatedException(String field, int offset, long needed, int available) {
      super(
          field
              + " at offset "
              + offset
              + " needs "
              + needed
              + " bytes, only "
              + available
              + " left");
      this.offset = offset;
    }

    public int offset() {
      return offset;
    }
  }

  public int position() {
    return position;
  }

  public int remaining() {
    return end - position;
  }

  private void require(String field, long n) throws TruncatedException {
    if (n < 0 || n > end - position) {
      throw new TruncatedException(field, position, n, end - position);
    }
  }

  public int u8(String field) throws TruncatedException {
    require(field, 1);
    return data[position++] & 0xff;
  }

  public int u16(String field) throws TruncatedException {
    require(field, 2);
    int v = (data[position] & 0xff) | (data[position + 1] & 0xff) << 8;
    position += 2;
    return v;
  }

  public long u32(String field) throws TruncatedException {
    require(field, 4);
    long v =
        (data[position] & 0xffL)
            | (data[position + 1] & 0xffL) << 8
            | (data[position + 2] & 0xffL) << 16
            | (data[position + 3] & 0xffL) << 24;
    position += 4;
    return v;
  }

  public ByteString bytes(String field, long n) throws TruncatedException {
    require(field, n);
    ByteString v = ByteString.copyOf(data, position, (int) n);
    position += (int) n;
    return v;
  }

  public void skip(String field, long n) throws TruncatedException {
    require(field, n);
    position += (int) n;
  }
}
