package dev.mse.enclave.front;

import dev.mse.enclave.appnet.FrontConnection;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The app's port taken in memory: the app reads what the front sends from a {@link
 * FrontConnection}.
 */
record InMemoryLink(FrontConnection connection) implements AppLink {
  @Override
  public void send(ByteBuffer bytes) throws IOException {
    connection.send(bytes);
  }

  @Override
  public void endRequests() {
    connection.endInput();
  }

  @Override
  public void close() {
    connection.reset();
  }
}
