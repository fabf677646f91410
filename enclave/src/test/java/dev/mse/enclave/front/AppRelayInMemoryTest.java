package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The relay's tests again with the app on the app network: its port taken in memory, so client
 * connections reach it without a loopback socket (and it sees the client's own address).
 */
class AppRelayInMemoryTest extends AppRelayTest {
  @Override
  boolean appInMemory() {
    return true;
  }

  @Test
  void theAppSeesTheClientItself() throws Exception {
    try (RawHttp c = new RawHttp(tlsClientContext(), frontPort())) {
      String[] peer = c.get1("/peer").body().split(" ", 2);
      // The port the front saw the client on (Forwarded) is the app's peer: no hop in between.
      assertThat(peer[1]).startsWith("for=\"127.0.0.1:" + peer[0] + "\"");
    }
  }
}
