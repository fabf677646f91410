package dev.mse.enclave.front;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A relayed connection's way to the app: in memory when the app took its port through NIO ({@link
 * InMemoryLink}), else a loopback socket of its own ({@link LoopbackLink}). Either way the app's
 * bytes come back through {@link AppRelay#write}, and its end through {@link AppRelay#ended}.
 */
sealed interface AppLink permits InMemoryLink, LoopbackLink {
  /** Passes the client's bytes on; the buffer is the link's from now on. */
  void send(ByteBuffer bytes) throws IOException;

  /** The client sent all it will. */
  void endRequests() throws IOException;

  /** Drops the app's side (the app reads the end of its stream, its writes fail). */
  void close();
}
