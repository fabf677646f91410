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

  /** What a {@link #pull} did. */
  enum Pulled {
    /** Read what the socket had, maybe nothing: the socket's readiness tells when more comes. */
    READ,
    /** Another thread is passing the client's bytes on: they reach the queue when it is done. */
    BUSY,
    /** The source detached: the front pushes by itself from now on. */
    DETACHED
  }

  /** Reads what the client sent, without waiting, and queues it for the app. */
  Pulled pull() throws IOException;

  /** Waits, at most a short while, until the client's socket may be readable. */
  void awaitReadable() throws IOException;

  /**
   * Ends an {@link #awaitReadable} under way, or the next one, at once: another thread pulled what
   * it was waiting for.
   */
  void wakeReader();
}
