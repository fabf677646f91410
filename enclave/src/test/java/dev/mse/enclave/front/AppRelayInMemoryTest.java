package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
    // Past the first request, every connection's TLS 1.3 is read and written by the relay itself.
    assertThat(metrics.directTlsConnections()).isEqualTo(clients);
  }

  @Test
  void tls12ConnectionsAreRelayedThroughJettysTls() throws Exception {
    try (RawHttp c = new RawHttp(tlsClientContext(), frontPort(), "TLSv1.2")) {
      assertThat(c.socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      for (int i = 0; i < 5; i++) {
        assertThat(c.get1("/hello?n=" + i).body()).startsWith("hello n=" + i + " via");
      }
      assertThat(c.get1("/.well-known/mse/status").body())
          .isEqualTo("runtime /.well-known/mse/status");
    }
    assertThat(metrics.directTlsConnections()).isZero();
  }

  @Test
  void recordsSentPastAHandOverReachJettyInOrder() throws Exception {
    try (RawHttp c = new RawHttp(tlsClientContext(), frontPort())) {
      assertThat(c.get1("/hello?n=1").body()).startsWith("hello n=1 via");
      // Three records in one burst: the relay reads them together, stops at the runtime's path
      // and must hand the rest, decrypted, to Jetty.
      c.send(RawHttp.get("/hello?n=2"));
      c.send(RawHttp.get("/.well-known/mse/status"));
      c.send(RawHttp.get("/hello?n=3"));
      assertThat(c.read().body()).startsWith("hello n=2 via");
      assertThat(c.read().body()).isEqualTo("runtime /.well-known/mse/status");
      assertThat(c.read().body()).startsWith("hello n=3 via");
      assertThat(c.get1("/hello?n=4").body()).startsWith("hello n=4 via");
    }
    assertThat(metrics.directTlsConnections()).isEqualTo(1);
  }

  @Test
  void aLongPipelinePastAHandOverStaysInTheSocketForJetty() throws Exception {
    try (RawHttp c = new RawHttp(tlsClientContext(), frontPort())) {
      assertThat(c.get1("/hello?n=0").body()).startsWith("hello n=0 via");
      // About 100 KB of requests right behind the runtime's path, in one burst: the hand-over
      // decrypts only what the relay had read (a limit of 64 KiB closed the connection before).
      String[] burst = new String[2_002];
      burst[0] = RawHttp.get("/hello?n=1");
      burst[1] = RawHttp.get("/.well-known/mse/status");
      for (int i = 2; i < burst.length; i++) {
        burst[i] = RawHttp.get("/hello?n=" + i);
      }
      c.send(burst);
      assertThat(c.read().body()).startsWith("hello n=1 via");
      assertThat(c.read().body()).isEqualTo("runtime /.well-known/mse/status");
      for (int i = 2; i < burst.length; i++) {
        assertThat(c.read().body()).startsWith("hello n=" + i + " via");
      }
    }
  }

  @Test
  void keyUpdatesFromOpenSslAreFollowedOnATakenOverConnection() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    Process openssl =
        new ProcessBuilder(
                "/usr/bin/openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + frontPort(),
                "-tls1_3",
                "-servername",
                "localhost")
            .redirectErrorStream(true)
            .start();
    // openssl prints its session, its notes (KEYUPDATE) and what the server sent.
    Printed printed = new Printed(openssl);
    try (OutputStream stdin = openssl.getOutputStream()) {
      // k: the client updates its keys; K: and asks the server to update its own (RFC 8446 4.6.3).
      String[] between = {"", "k\n", "K\n", "K\n"};
      for (int n = 0; n < between.length; n++) {
        if (!between[n].isEmpty()) {
          stdin.write(between[n].getBytes(StandardCharsets.US_ASCII));
          stdin.flush();
          printed.await("KEYUPDATE");
        }
        stdin.write(RawHttp.get("/hello?n=" + n).getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        printed.await("hello n=" + n + " via");
      }
      stdin.write("GET /.well-known/mse/status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      stdin.flush();
      printed.await("runtime /.well-known/mse/status");
      stdin.write("Q\n".getBytes(StandardCharsets.US_ASCII));
      stdin.flush();
    } finally {
      if (!openssl.waitFor(10, TimeUnit.SECONDS)) {
        openssl.destroyForcibly();
      }
    }
    assertThat(metrics.directTlsConnections()).isEqualTo(1);
  }

  /** What a process printed, read as it comes, and waited on in order. */
  private static final class Printed {
    private final StringBuffer text = new StringBuffer();
    private int seen;

    Printed(Process process) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Reader r =
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                  for (int c = r.read(); c >= 0; c = r.read()) {
                    text.append((char) c);
                  }
                } catch (IOException e) {
                  text.append("read failed: ").append(e);
                }
              });
    }

    /** Waits until {@code expected} is printed after what earlier waits found. */
    void await(String expected) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        int at = text.indexOf(expected, seen);
        if (at >= 0) {
          seen = at + expected.length();
          return;
        }
        Thread.sleep(20);
      }
      throw new AssertionError("never printed " + expected + ": " + text.substring(seen));
    }
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
