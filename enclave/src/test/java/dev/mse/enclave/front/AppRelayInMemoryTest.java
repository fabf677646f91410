package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
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
  void manyClientsAtOnceEachGetTheirOwnAnswers() throws Exception {
    int clients = 24;
    int requests = 40;
    List<Thread> threads = new ArrayList<>();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (RawHttp http = new RawHttp(tlsClientContext(), frontPort())) {
                      for (int r = 0; r < requests; r++) {
                        String body = http.get1("/hello?n=" + client + "-" + r).body();
                        if (!body.startsWith("hello n=" + client + "-" + r + " via")) {
                          wrong.add(body);
                        }
                      }
                    } catch (Exception e) {
                      wrong.add(e.toString());
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void http2ReachesTheAppInMemoryToo() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tlsClientContext())
            .version(HttpClient.Version.HTTP_2)
            .build();
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + frontPort() + "/peer"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      peers.add(r.body().split(" ", 2)[0]);
    }
    // The proxy's connection to the app is in memory (peer port 0, which no TCP peer has) and
    // pooled between requests.
    assertThat(peers).containsOnly("0");
    byte[] big = new byte[300_000];
    new Random(3).nextBytes(big);
    HttpResponse<byte[]> echoed =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + frontPort() + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(echoed.body()).isEqualTo(big);
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
