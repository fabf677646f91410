package dev.mse.operator.proxy;

import static dev.mse.operator.proxy.HelloBuilder.hello;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Finding 13 of issue 12: one client opened thousands of connections to one app (bare or partial
 * ClientHellos, each held) and took every slot the app had at the proxy. Here one source floods an
 * app whose share is 40 connections, with a per-source share of 16; a client from another source
 * address (127.0.0.2, another "machine" on loopback) must still get through.
 */
@Timeout(60)
class OneSourceFloodTest {
  private static final String APP = "flooded.apps.test";
  private static final int PER_APP = 40;
  private static final int PER_SOURCE = 16;
  // long enough that opening the flood never outlasts it, even on a loaded machine
  private static final Duration HELLO_DEADLINE = Duration.ofSeconds(5);
  private static final InetAddress ATTACKER = InetAddress.getLoopbackAddress();

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  @Test
  void oneSourceCannotTakeEverySlotOfAnApp() throws Exception {
    TestBackend backend = closeLater(TestBackend.plain(TestBackend::echo));
    Route route =
        new Route(
            UUID.randomUUID(),
            backend.address(),
            Route.Mode.PASSTHROUGH,
            ByteString.fromHex("00".repeat(32)));
    SniProxy proxy =
        closeLater(
            new SniProxy(
                    ProxyConfig.defaults(new InetSocketAddress(ATTACKER, 0))
                        .withLimits(new ProxyLimits(10_000, PER_APP, PER_SOURCE, HELLO_DEADLINE)),
                    name -> name.equals(APP) ? Optional.of(route) : Optional.empty(),
                    UpstreamTrust.NONE,
                    ProxyMetrics.NONE)
                .start());
    byte[] helloBytes = hello().serverName(APP).records();

    // within the source's share: complete hellos that the app then holds, and two silent and two
    // partial hellos that stall
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < PER_SOURCE - 4; i++) {
      Socket s = connect(ATTACKER, proxy);
      s.getOutputStream().write(helloBytes);
      assertThat(s.getInputStream().readNBytes(helloBytes.length)).isEqualTo(helloBytes);
      held.add(s);
    }
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket s = connect(ATTACKER, proxy);
      if (i % 2 == 1) {
        s.getOutputStream().write(Arrays.copyOf(helloBytes, helloBytes.length / 2));
      }
      stalled.add(s);
    }
    // beyond it: more hellos for the app (enough to fill its whole share) and bare connections
    List<Socket> excessHellos = new ArrayList<>();
    for (int i = 0; i < PER_APP; i++) {
      Socket s = connect(ATTACKER, proxy);
      try {
        s.getOutputStream().write(helloBytes);
      } catch (IOException refusedAlready) {
        // the proxy closed first: what it answered is checked below
      }
      excessHellos.add(s);
    }
    List<Socket> excessBare = new ArrayList<>();
    for (int i = 0; i < PER_APP; i++) {
      excessBare.add(connect(ATTACKER, proxy));
    }

    // the excess is refused as it is accepted: an alert (never sent for a hello timeout), then
    // the close; a hello the proxy never read may turn the close into a reset
    for (Socket s : excessBare) {
      assertThat(s.getInputStream().readAllBytes()).isEqualTo(TlsAlert.INTERNAL_ERROR.record());
    }
    for (Socket s : excessHellos) {
      assertThat(answerOrReset(s)).isNotEqualTo(helloBytes).hasSizeLessThanOrEqualTo(7);
    }

    // another source still reaches the app while the flood holds its share
    InetAddress other = InetAddress.getByName("127.0.0.2");
    assertThat(echo(connect(other, proxy), helloBytes, "legitimate")).isEqualTo("legitimate");

    // the stalled connections are closed at the hello deadline, without an alert
    for (Socket s : stalled) {
      assertThat(answerOrReset(s)).isEmpty();
    }
    // and give their slots back: the attacker's source may open that many again, no more
    for (int i = 0; i < 4; i++) {
      Socket s = connect(ATTACKER, proxy);
      s.getOutputStream().write(helloBytes);
      assertThat(s.getInputStream().readNBytes(helloBytes.length)).isEqualTo(helloBytes);
      held.add(s);
    }
    assertThat(connect(ATTACKER, proxy).getInputStream().readAllBytes())
        .isEqualTo(TlsAlert.INTERNAL_ERROR.record());
  }

  @Test
  void ipv6ClientsCountByTheirSlash64() throws Exception {
    InetAddress a = InetAddress.getByName("2001:db8:1:2:aaaa::1");
    InetAddress b = InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff");
    InetAddress elsewhere = InetAddress.getByName("2001:db8:1:3::1");
    InetAddress v4 = InetAddress.getByName("192.0.2.7");

    assertThat(ConnectionSource.of(a)).isEqualTo(ConnectionSource.of(b));
    assertThat(ConnectionSource.of(a)).isNotEqualTo(ConnectionSource.of(elsewhere));
    assertThat(ConnectionSource.of(v4)).isEqualTo(v4);
    assertThat(ConnectionSource.of(InetAddress.getByName("::ffff:192.0.2.7"))).isEqualTo(v4);
  }

  @Test
  void slotsOfAKeyComeBackWhenGiven() {
    ConnectionSlots<String> slots = new ConnectionSlots<>(2);
    assertThat(slots.tryTake("a")).isTrue();
    assertThat(slots.tryTake("a")).isTrue();
    assertThat(slots.tryTake("a")).isFalse();
    assertThat(slots.tryTake("b")).isTrue();
    slots.give("a");
    assertThat(slots.open("a")).isEqualTo(1);
    assertThat(slots.tryTake("a")).isTrue();
    slots.give("a");
    slots.give("a");
    assertThat(slots.open("a")).isZero();
  }

  private Socket connect(InetAddress from, SniProxy proxy) throws IOException {
    Socket s = new Socket(proxy.address().getAddress(), proxy.port(), from, 0);
    s.setSoTimeout(20_000);
    closing.add(s);
    return s;
  }

  private static String echo(Socket s, byte[] helloBytes, String text) throws IOException {
    s.getOutputStream().write(helloBytes);
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.shutdownOutput();
    byte[] all = s.getInputStream().readAllBytes();
    assertThat(Arrays.copyOf(all, helloBytes.length)).isEqualTo(helloBytes);
    return new String(
        all, helloBytes.length, all.length - helloBytes.length, StandardCharsets.US_ASCII);
  }

  /** What the proxy sent before it closed; a reset ends the answer where it came. */
  private static byte[] answerOrReset(Socket s) {
    byte[] buffer = new byte[64 * 1024];
    int length = 0;
    try {
      InputStream in = s.getInputStream();
      int n;
      while ((n = in.read(buffer, length, buffer.length - length)) > 0) {
        length += n;
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the proxy kept the connection open", stillOpen);
    } catch (IOException reset) {
      // closed with input unread: the answer is what arrived before
    }
    return Arrays.copyOf(buffer, length);
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }
}
