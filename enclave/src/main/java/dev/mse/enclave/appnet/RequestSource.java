package dev.mse.enclave.appnet;

import java.io.IOException;
import java.nio.channels.SelectableChannel;

/**
 * Where a {@link FrontConnection} pulls its bytes from while one is attached: the client's TLS
 * connection itself. The app's selector watches the client's socket and pulls when it is readable,
 * so that a request reaches the app with no other thread woken; without a source (or once it
 * detaches) the front pushes instead ({@link FrontConnection#offer}).
 */
public interface RequestSource {
  /** The client's socket: readable means {@link #pull} may bring bytes. */
  SelectableChannel socket();

  /**
   * Reads what the client sent, without waiting, and queues it for the app.
   *
   * @return false once the source detached (the front goes on pushing by itself)
   */
  boolean pull() throws IOException;

  /** Waits, at most a short while, until the client's socket may be readable. */
  void awaitReadable() throws IOException;
}
