package dev.mse.operator.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input with one deadline for all reads, not one timeout per read: a client that
 * trickles its ClientHello a byte at a time still runs out of time (slowloris).
 */
final class DeadlineInputStream extends InputStream {
  private final Socket socket;
  private final InputStream in;
  private final long deadlineNanos;

  DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public int read() throws IOException {
    arm();
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    return in.read(b, off, len);
  }

  private void arm() throws IOException {
    long left = deadlineNanos - System.nanoTime();
    long millis = left / 1_000_000;
    if (millis <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
  }
}
