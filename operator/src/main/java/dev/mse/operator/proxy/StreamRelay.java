package dev.mse.operator.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * Copies bytes both ways between two blocking sockets (the TLS sockets of TERMINATE) until both
 * sides are done: one direction on the calling thread, the other on a new virtual thread. An end of
 * stream on one side becomes a half-close ({@code shutdownOutput}) of the other, so
 * request-then-response protocols and uploads that end with a FIN work; an error on either side
 * closes both.
 *
 * <p>The idle timeout is shared: the relay is idle only when neither direction has moved a byte for
 * that long, so a long download with a silent client stays open. Reads carry no socket timeout: a
 * timed park of a virtual thread arms and cancels a timer on every read, which cost a measurable
 * share of the proxy's CPU in an earlier version; the proxy's sweeper ({@link SniProxy}) asks
 * {@link #idle(long)} once a second instead and closes what has been idle. Buffers are large and
 * copied straight to the other socket, with no per-byte work.
 */
final class StreamRelay implements Relay {
  private final Socket client;
  private final Socket node;
  private final int bufferSize;
  private final long idleNanos;
  private volatile long lastActivity = System.nanoTime();

  StreamRelay(Socket client, Socket node, int bufferSize, Duration idleTimeout) {
    this.client = client;
    this.node = node;
    this.bufferSize = bufferSize;
    this.idleNanos = idleTimeout.toNanos();
  }

  /**
   * Relays until both directions end, then closes both ends; blocks the calling (virtual) thread.
   *
   * @param alreadyToNode bytes sent to the node before the relay began
   */
  Counts run(long alreadyToNode) throws InterruptedException {
    long[] back = new long[1];
    Thread nodeToClient;
    try {
      client.setSoTimeout(0);
      node.setSoTimeout(0);
      nodeToClient = Thread.ofVirtual().start(() -> back[0] = pump(node, client));
    } catch (IOException | RuntimeException e) {
      closeBoth();
      return new Counts(alreadyToNode, 0);
    }
    long forward = alreadyToNode + pump(client, node);
    nodeToClient.join();
    closeBoth();
    return new Counts(forward, back[0]);
  }

  /** Copies {@code from} to {@code to} until an end of stream, idle expiry or error. */
  private long pump(Socket from, Socket to) {
    byte[] buffer = new byte[bufferSize];
    long total = 0;
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          halfClose(to);
          return total;
        }
        out.write(buffer, 0, n);
        total += n;
        lastActivity = System.nanoTime();
      }
    } catch (IOException | RuntimeException broken) {
      // a reset or a close from the other direction: nothing left to relay either way
      closeBoth();
      return total;
    }
  }

  private void halfClose(Socket to) {
    try {
      if (!to.isClosed() && !to.isOutputShutdown()) {
        to.shutdownOutput();
      }
    } catch (IOException | UnsupportedOperationException e) {
      closeBoth();
    }
  }

  @Override
  public boolean idle(long nowNanos) {
    return nowNanos - lastActivity >= idleNanos;
  }

  @Override
  public void closeBoth() {
    Relay.closeQuietly(client);
    Relay.closeQuietly(node);
  }
}
