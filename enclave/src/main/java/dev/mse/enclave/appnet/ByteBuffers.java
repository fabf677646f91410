package dev.mse.enclave.appnet;

import java.nio.ByteBuffer;

/** Copies out of buffers a writer hands over and gets back at once. */
public final class ByteBuffers {
  private ByteBuffers() {}

  /**
   * The remaining bytes of {@code buffers[offset, offset + length)}, copied into one heap buffer
   * (in read mode); the sources are left with nothing remaining.
   */
  public static ByteBuffer gather(ByteBuffer[] buffers, int offset, int length) {
    long size = 0;
    for (int i = offset; i < offset + length; i++) {
      size += buffers[i].remaining();
    }
    ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(size));
    for (int i = offset; i < offset + length; i++) {
      copy.put(buffers[i]);
    }
    return copy.flip();
  }
}
