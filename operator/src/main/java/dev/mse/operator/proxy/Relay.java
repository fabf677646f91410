package dev.mse.operator.proxy;

import java.io.IOException;
import java.net.Socket;

/**
 * Moves bytes both ways between a client and a node until both sides are done, with half-close: the
 * end of one side's input becomes a {@code shutdownOutput} towards the other. The proxy's sweeper
 * asks each one whether it is idle and closes it.
 */
sealed interface Relay permits StreamRelay, ChannelRelay {
  /** Bytes moved by a finished relay. */
  record Counts(long clientToNode, long nodeToClient) {}

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
