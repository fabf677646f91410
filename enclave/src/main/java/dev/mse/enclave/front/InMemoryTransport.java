package dev.mse.enclave.front;

import dev.mse.enclave.appnet.AppPorts;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.SelectableChannel;
import org.eclipse.jetty.io.Transport;

/**
 * How the front's proxy (HTTP/2, and whatever the relay hands back) reaches the app when the app
 * took its port through NIO: in memory, so that decrypted requests never cross a loopback socket
 * (under SGX, a host socket). Equal for one port, so Jetty's client pools these connections.
 */
final class InMemoryTransport extends Transport.TCPIP {
  private final int port;

  InMemoryTransport(int port) {
    this.port = port;
  }

  @Override
  public SelectableChannel newSelectableChannel() throws IOException {
    return AppPorts.open(port)
        .orElseThrow(() -> new ConnectException("the app no longer holds port " + port));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InMemoryTransport other && other.port == port;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(port);
  }

  @Override
  public String toString() {
    return "in-memory:" + port;
  }
}
