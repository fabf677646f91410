package dev.mse.enclave.front;

import dev.mse.enclave.appnet.SystemNio;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;

/**
 * Waits for one of the front's client sockets to become ready for one operation, on a selector of
 * its own (opened on first use). For threads that may block (a connection's virtual thread, an
 * app's blocking reader), never for a selector thread. Waits are short slices: the caller checks
 * again after each and decides whether to go on waiting.
 */
final class SocketWait implements AutoCloseable {
  private static final long SLICE_MS = 50;
  private final SelectableChannel channel;
  private final int op;
  private Selector selector;
  private boolean closed;
  // A wake-up that came before the selector was opened, for the first wait.
  private boolean woken;

  /**
   * @param channel the socket, in non-blocking mode
   * @param op the {@link java.nio.channels.SelectionKey} operation waited for
   */
  SocketWait(SelectableChannel channel, int op) {
    this.channel = channel;
    this.op = op;
  }

  /** Returns once the socket is ready, or after a short slice of waiting. */
  void await() throws IOException {
    Selector s;
    synchronized (this) {
      if (closed) {
        throw new IOException("the connection closed");
      }
      if (woken) {
        woken = false;
        return;
      }
      if (selector == null) {
        selector = SystemNio.provider().openSelector();
        channel.register(selector, op);
      }
      s = selector;
    }
    // Not under the monitor: close() must not wait for a slice to end (closing wakes the wait).
    // The selected set is left as it is: epoll is level-triggered, so a select blocks until the
    // socket is ready whatever the set holds (and clearing it would race with another waiter).
    try {
      s.select(SLICE_MS);
    } catch (ClosedSelectorException e) {
      throw new IOException("the connection closed");
    }
  }

  /** Ends a wait under way, or the next one if none is (as {@link Selector#wakeup} does). */
  void wake() {
    Selector s;
    synchronized (this) {
      s = selector;
      woken = s == null;
    }
    if (s != null) {
      s.wakeup();
    }
  }

  @Override
  public void close() {
    Selector s;
    synchronized (this) {
      closed = true;
      s = selector;
    }
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Only releases a descriptor.
      }
    }
  }
}
