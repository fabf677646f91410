package dev.mse.enclave.appnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The app's selector watching a front connection's client socket across the app's keys, as the JDK
 * {@code HttpServer} uses them (cancel before each request, a new key after the response): the
 * watch stays registered, brings in bytes that come while no key wants them, stops for a busy
 * source instead of spinning, wakes a blocking reader whose bytes it took, and ends with the
 * connection.
 */
class SocketWatchTest {
  private ServerSocketChannel listener;
  private SocketChannel socket;
  private SocketChannel client;
  private Selector selector;
  private Source source;
  private FrontConnection connection;

  /** A relay in small: pulls decrypted bytes straight from the socket into the connection. */
  private final class Source implements RequestSource {
    final AtomicInteger pulls = new AtomicInteger();
    final AtomicInteger wakes = new AtomicInteger();
    final Semaphore woken = new Semaphore(0);
    final Semaphore waiting = new Semaphore(0);
    final AtomicLong pulledBytes = new AtomicLong();
    volatile boolean busy;
    // Reads nothing though the socket is readable (a relay that must write before it can read).
    volatile boolean stuck;

    @Override
    public SelectableChannel socket() {
      return socket;
    }

    @Override
    public Pulled pull() throws IOException {
      pulls.incrementAndGet();
      if (busy) {
        return Pulled.BUSY;
      }
      if (stuck) {
        return Pulled.READ;
      }
      ByteBuffer b = ByteBuffer.allocate(1024);
      int n = socket.read(b);
      if (n > 0) {
        pulledBytes.addAndGet(n);
        connection.offer(b.flip());
      } else if (n < 0) {
        connection.endInput();
      }
      return Pulled.READ;
    }

    @Override
    public void awaitReadable() throws IOException {
      // Only a wake-up ends this wait early: the test sees whether one came.
      waiting.release();
      try {
        woken.tryAcquire(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }

    @Override
    public void wakeReader() {
      wakes.incrementAndGet();
      woken.release();
    }
  }

  @BeforeEach
  void connect() throws IOException {
    assertThat(SelectorProvider.provider()).isInstanceOf(AppNetProvider.class);
    listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    client = SocketChannel.open(listener.getLocalAddress());
    socket = listener.accept();
    socket.configureBlocking(false);
    selector = Selector.open();
    source = new Source();
    connection =
        new FrontConnection(
            SelectorProvider.provider(),
            listener.getLocalAddress(),
            client.getLocalAddress(),
            new DiscardingSink());
    connection.attach(source);
    connection.configureBlocking(false);
  }

  @AfterEach
  void close() throws IOException {
    connection.close();
    selector.close();
    client.close();
    socket.close();
    listener.close();
  }

  @Test
  void theWatchOutlivesTheAppsKeysAndBringsInWhatComesBetweenThem() throws Exception {
    for (int round = 0; round < 3; round++) {
      SelectionKey key = connection.register(selector, SelectionKey.OP_READ);
      send("request " + round);
      assertThat(selectUntil(key)).isEqualTo(SelectionKey.OP_READ);
      assertThat(read()).isEqualTo("request " + round);
      selector.selectedKeys().clear();
      // The HttpServer's way: the key goes before the request is served, a new one comes after.
      key.cancel();
      selector.selectNow();
      assertThat(socket.isRegistered()).as("the socket stays watched").isTrue();
    }
    // Bytes that come while no key is registered are brought in by the selection that sees them,
    // and the next key finds them at once.
    int pulls = source.pulls.get();
    send("early");
    awaitPulled(pulls);
    SelectionKey key = connection.register(selector, SelectionKey.OP_READ);
    assertThat(selector.selectNow()).isEqualTo(1);
    assertThat(key.readyOps()).isEqualTo(SelectionKey.OP_READ);
    assertThat(read()).isEqualTo("early");
  }

  @Test
  void aBusySourceStopsTheWatchUntilAKeyWantsItAgain() throws Exception {
    SelectionKey key = keyCameAndWent();
    source.busy = true;
    send("while busy");
    int pulls = source.pulls.get();
    awaitPulled(pulls);
    int after = source.pulls.get();
    // Still readable, but no longer watched: the selections neither spin nor pull again.
    assertSelectionsWait();
    assertThat(source.pulls.get()).isEqualTo(after);
    source.busy = false;
    key = connection.register(selector, SelectionKey.OP_READ);
    assertThat(selectUntil(key)).isEqualTo(SelectionKey.OP_READ);
    assertThat(read()).isEqualTo("while busy");
  }

  @Test
  void littleIsReadAheadOfTheApp() throws Exception {
    SelectionKey key = keyCameAndWent();
    byte[] sent = new byte[200 * 1024];
    new Random(7).nextBytes(sent);
    client.write(ByteBuffer.wrap(sent));
    // Pulled while no key wants it, until 64 KiB wait unread; the rest stays in the socket.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (source.pulledBytes.get() < 64 * 1024 && System.nanoTime() < deadline) {
      selector.select(20);
    }
    assertSelectionsWait();
    assertThat(source.pulledBytes.get()).isBetween(64L * 1024, 65L * 1024);
    // The app reads on: all of it, in order, through its next key.
    ByteBuffer got = ByteBuffer.allocate(sent.length);
    key = connection.register(selector, SelectionKey.OP_READ);
    while (got.hasRemaining() && System.nanoTime() < deadline) {
      selector.select(100);
      selector.selectedKeys().clear();
      connection.read(got);
    }
    assertThat(got.array()).isEqualTo(sent);
  }

  @Test
  void pullsThatBringNothingStopTheWatchRatherThanSpin() throws Exception {
    SelectionKey key = keyCameAndWent();
    source.stuck = true;
    send("stuck");
    awaitPulled(source.pulls.get() + 1);
    int after = source.pulls.get();
    assertSelectionsWait();
    assertThat(source.pulls.get()).isEqualTo(after);
    source.stuck = false;
    key = connection.register(selector, SelectionKey.OP_READ);
    assertThat(selectUntil(key)).isEqualTo(SelectionKey.OP_READ);
    assertThat(read()).isEqualTo("stuck");
  }

  @Test
  void eachSelectorKeepsItsOwnWatch() throws Exception {
    try (Selector writes = Selector.open()) {
      SelectionKey reading = connection.register(selector, SelectionKey.OP_READ);
      SelectionKey writing = connection.register(writes, SelectionKey.OP_WRITE);
      // The key that only writes must not take the reading selector's watch.
      assertThat(writes.selectNow()).isEqualTo(1);
      assertThat(writing.readyOps()).isEqualTo(SelectionKey.OP_WRITE);
      writing.cancel();
      writes.selectNow();
      send("for the reader");
      assertThat(selectUntil(reading)).isEqualTo(SelectionKey.OP_READ);
      assertThat(read()).isEqualTo("for the reader");
    }
  }

  @Test
  void aBlockingReaderIsWokenWhenTheSelectorTookItsBytes() throws Exception {
    keyCameAndWent();
    connection.configureBlocking(true);
    AtomicReference<String> got = new AtomicReference<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    got.set(read());
                  } catch (IOException e) {
                    got.set(e.toString());
                  }
                });
    // The reader found nothing and waits on the socket (through its source).
    assertThat(source.waiting.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
    send("late");
    // The selector sees the socket first and takes the bytes: the reader must not sleep on.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (reader.isAlive() && System.nanoTime() < deadline) {
      selector.select(20);
    }
    reader.join(1_000);
    assertThat(got.get()).isEqualTo("late");
    assertThat(source.wakes.get()).isPositive();
  }

  @Test
  void theWatchEndsWithTheConnectionOrItsSource() throws Exception {
    SelectionKey key = connection.register(selector, SelectionKey.OP_READ);
    selector.selectNow();
    assertThat(socket.isRegistered()).isTrue();
    connection.detach();
    selector.selectNow();
    assertThat(socket.isRegistered()).as("after the source detached").isFalse();
    assertThat(key.isValid()).isTrue();

    connection.attach(source);
    selector.selectNow();
    assertThat(socket.isRegistered()).as("watched again").isTrue();
    connection.close();
    selector.selectNow();
    assertThat(socket.isRegistered()).as("after the connection closed").isFalse();
  }

  /**
   * The app's key came and went, as the JDK HttpServer's does around each request: the socket is
   * watched, and no key wants it now.
   *
   * @return the cancelled key
   */
  private SelectionKey keyCameAndWent() throws IOException {
    SelectionKey key = connection.register(selector, SelectionKey.OP_READ);
    key.cancel();
    selector.selectNow();
    return key;
  }

  private void send(String text) throws IOException {
    client.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  private String read() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1024);
    int n = connection.read(b);
    return n <= 0 ? "read " + n : new String(b.array(), 0, n, StandardCharsets.ISO_8859_1);
  }

  /**
   * Selections wait out their 30 ms: nothing is watched that would end them (a spinning watch ends
   * each at once). The first may still settle what came before.
   */
  private void assertSelectionsWait() throws IOException {
    assertThat(selector.select(30)).isZero();
    long start = System.nanoTime();
    for (int i = 0; i < 2; i++) {
      assertThat(selector.select(30)).isZero();
    }
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
  }

  /** Selects until {@code key} is selected (or 5 s pass); returns its ready set then. */
  private int selectUntil(SelectionKey key) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!selector.selectedKeys().contains(key) && System.nanoTime() < deadline) {
      selector.select(100);
    }
    return selector.selectedKeys().contains(key) ? key.readyOps() : 0;
  }

  /** Selects until the source was pulled more than {@code before} times (or 5 s pass). */
  private void awaitPulled(int before) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (source.pulls.get() <= before && System.nanoTime() < deadline) {
      selector.select(20);
    }
    assertThat(source.pulls.get()).isGreaterThan(before);
  }

  /** Where the app's answers would go; these tests send none. */
  private static final class DiscardingSink implements ResponseSink {
    @Override
    public long write(ByteBuffer[] buffers, int offset, int length, boolean blocking) {
      long n = 0;
      for (int i = offset; i < offset + length; i++) {
        n += buffers[i].remaining();
        buffers[i].position(buffers[i].limit());
      }
      return n;
    }

    @Override
    public boolean writable() {
      return true;
    }

    @Override
    public void ended() {}
  }
}
