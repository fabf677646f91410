package dev.mse.operator.proxy;

import java.io.IOException;
import java.net.Socket;

/**
 * Moves bytes both ways between a client and a node until both sides are done, with half-close: the
 * end of one side's input becomes a {@code shutdownOutput} towards the other.
 */
sealed interface Relay permits StreamRelay, ChannelRelay {
  /** Bytes moved by a finished relay. */
  record Counts(long clientToNode, long nodeToClient) {}

  /**
   * Relays until both directions end, then closes both ends; blocks the calling (virtual) thread.
   *
   * @param alreadyToNode bytes sent to the node before the relay began (the replayed hello)
   */
  Counts run(long alreadyToNode) throws InterruptedException;

  /** True when neither direction has moved a byte for the idle timeout. */
  boolean idle(long nowNanos);

  /** Ends the relay from any thread; {@link #run} then returns. */
  void closeBoth();

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is best effort; the descriptor is released either way
    }
  }
}
