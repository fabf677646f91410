package dev.mse.protocol.pkg;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Buffers one segment of plaintext and writes it encrypted once the next byte shows it is not the
 * last; {@link #close()} writes the final segment with the last-segment flag. Nothing is complete
 * until {@code close}: a stream that is not closed yields a package that fails to decrypt.
 */
final class EncryptingOutputStream extends OutputStream {
  private final OutputStream out;
  private final SegmentCipher cipher;
  private final byte[] buffer = new byte[PackageCipher.SEGMENT_SIZE];
  private int count;
  private long index;
  private boolean closed;

  EncryptingOutputStream(OutputStream out, SegmentCipher cipher) throws IOException {
    this.out = out;
    this.cipher = cipher;
    out.write(cipher.header());
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("the encrypting stream is closed");
    }
    int offset = off;
    int remaining = len;
    while (remaining > 0) {
      if (count == buffer.length) {
        emit(false);
      }
      int n = Math.min(remaining, buffer.length - count);
      System.arraycopy(b, offset, buffer, count, n);
      count += n;
      offset += n;
      remaining -= n;
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (out) {
      emit(true);
    }
  }

  private void emit(boolean last) throws IOException {
    if (index >= SegmentCipher.MAX_SEGMENTS) {
      throw new IOException("too much data for one package (at most 2^32 segments)");
    }
    out.write(cipher.seal(index, last, buffer, count));
    index++;
    count = 0;
  }
}
