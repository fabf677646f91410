package dev.mse.operator.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection on a {@link RelayLoop}, from its first byte to its close, the way an
 * nginx worker serves {@code ssl_preread}: the ClientHello read without blocking, the route looked
 * up, the node connected without blocking, the hello replayed, then the bytes relayed both ways. No
 * other thread touches a passthrough connection, so it costs no thread hand-off at all; an earlier
 * version read the hello and connected on a virtual thread per connection, and those hand-offs
 * (poller, carrier, loop and back at the end) were most of the proxy's cost per new connection.
 *
 * <p>Everything that is not a plain passthrough (a refusal with its alert, a TERMINATE route)
 * leaves the loop: the channel is deregistered and given to a virtual thread in blocking mode with
 * the bytes read so far ({@link ConnectionHandler#continueBlocking}).
 *
 * <p>Back-pressure: when a write does not take everything read, the rest waits in a buffer of its
 * own, reading from that side stops, and the loop waits for the other side to be writable. So
 * memory per connection is bounded by one buffer per direction, and only a slow peer costs any.
 */
final class ChannelRelay implements Relay, RelayLoop.Ready {
  private static final Logger LOG = LoggerFactory.getLogger(SniProxy.class);

  private enum Phase {
    HELLO,
    CONNECTING,
    RELAY,
    DONE
  }

  private final SocketChannel client;
  private final RelayLoop loop;
  private final ConnectionHandler handler;
  private final ProxyConfig config;
  private final Runnable released;
  private final long idleNanos;
  // read by the sweeper: the phase and its deadline (hello, connect), or the last activity
  private volatile Phase phase = Phase.HELLO;
  private volatile long deadline;
  private volatile long lastActivity;

  // loop thread only
  private final Direction up = new Direction();
  private final Direction down = new Direction();
  private final SocketAddress peer;
  private SelectionKey clientKey;
  private SelectionKey nodeKey;
  private SocketChannel node;
  private Route route; // set while this connection holds a slot of the route's app
  private boolean opened; // metrics told of the connection
  private byte[] hello = new byte[1024];
  private int helloLength;

  /** One direction's state: bytes read, bytes a slow reader has not taken yet, end of input. */
  private static final class Direction {
    long bytes;
    ByteBuffer pending;
    boolean eof;
  }

  /**
   * @param released the proxy's own accounting for the accepted connection, run once when it ends
   *     (on the loop, or on the virtual thread it was handed to)
   */
  ChannelRelay(
      SocketChannel client,
      SocketAddress peer,
      RelayLoop loop,
      ConnectionHandler handler,
      ProxyConfig config,
      Runnable released) {
    this.client = client;
    this.peer = peer;
    this.loop = loop;
    this.handler = handler;
    this.config = config;
    this.released = released;
    this.idleNanos = config.idleTimeout().toNanos();
    this.deadline = System.nanoTime() + config.limits().helloTimeout().toNanos();
  }

  /** On the loop: registers the client for its ClientHello (which may well be there already). */
  void start() {
    try {
      client.configureBlocking(false);
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      clientKey = client.register(loop.selector(), SelectionKey.OP_READ, this);
      // a client sends its hello with its first packet: often here before the loop accepted
      readHello();
    } catch (IOException | RuntimeException e) {
      LOG.debug("connection from {} ended: {}", peer, e.toString());
      finish();
    }
  }

  /** A readiness event for one of the two channels. */
  @Override
  public void ready(SelectionKey key) {
    try {
      switch (phase) {
        case HELLO -> readHello();
        case CONNECTING -> connected();
        case RELAY -> relay(key);
        case DONE -> {}
      }
    } catch (IOException | CancelledKeyException e) {
      finish(); // a reset, or closed by the sweeper: nothing left to relay either way
    } catch (RuntimeException e) {
      finish();
      throw e;
    }
  }

  private void readHello() throws IOException {
    // the parser's own bounds (record count and size) end a hello long before this one
    int cap = config.maxHelloBytes() + ClientHelloParser.MAX_RECORDS * 5;
    ByteBuffer buffer = loop.scratch();
    buffer.clear().limit(Math.min(buffer.capacity(), cap - helloLength));
    int n = client.read(buffer);
    if (n == 0) {
      return;
    }
    boolean eof = n < 0;
    if (!eof) {
      if (helloLength + n > hello.length) {
        hello = Arrays.copyOf(hello, Math.min(cap, Math.max(helloLength + n, hello.length * 2)));
      }
      buffer.flip().get(hello, helloLength, n);
      helloLength += n;
    }
    ClientHello parsed;
    try {
      parsed = handler.parser().read(new Received(hello, helloLength, eof));
    } catch (Received.NeedMore more) {
      if (helloLength < cap) {
        return;
      }
      refuse(TlsAlert.DECODE_ERROR, "unreadable ClientHello (larger than the bound)");
      return;
    } catch (ClientHelloFormatException e) {
      refuse(TlsAlert.DECODE_ERROR, "unreadable ClientHello (" + e.getMessage() + ")");
      return;
    }
    routeTo(parsed);
  }

  private void routeTo(ClientHello parsed) throws IOException {
    Optional<String> name = parsed.serverName();
    if (name.isEmpty()) {
      refuse(TlsAlert.HANDSHAKE_FAILURE, "no server name in the ClientHello");
      return;
    }
    Optional<Route> found = handler.lookup(name.get());
    if (found.isEmpty()) {
      refuse(TlsAlert.UNRECOGNIZED_NAME, "no app named " + name.get());
      return;
    }
    Route r = found.get();
    if (r.mode() == Route.Mode.TERMINATE) {
      byte[] received = Arrays.copyOf(hello, helloLength);
      handOff(in -> handler.terminate(in, received, name.get(), r, peer));
      return;
    }
    if (!handler.acquire(r.appId())) {
      refuse(TlsAlert.INTERNAL_ERROR, "app " + r.appId() + " at its connection limit");
      return;
    }
    route = r;
    clientKey.interestOps(0); // nothing more from the client until the node can take it
    try {
      // a socket of the node's own family: an IPv6 socket for an IPv4 node costs a setsockopt
      node =
          r.node().getAddress() instanceof Inet4Address
              ? SocketChannel.open(StandardProtocolFamily.INET)
              : SocketChannel.open();
      node.configureBlocking(false);
      node.setOption(StandardSocketOptions.TCP_NODELAY, true);
      deadline = loop.now() + config.connectTimeout().toNanos();
      phase = Phase.CONNECTING;
      // on loopback (the local provider) the handshake is done by the time connect returns
      // "in progress": asking once now spares an epoll_ctl and a wake-up of the loop; a remote
      // node costs one poll that says "not yet"
      if (node.connect(r.node()) || node.finishConnect()) {
        replay();
      } else {
        nodeKey = node.register(loop.selector(), SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException e) {
      unreachable(e.getMessage());
    }
  }

  private void connected() throws IOException {
    try {
      if (!node.finishConnect()) {
        return;
      }
    } catch (IOException e) {
      unreachable(e.getMessage());
      return;
    }
    replay();
  }

  /** Sends the node what the client sent so far, then relays. */
  private void replay() throws IOException {
    up.bytes = helloLength;
    ByteBuffer received = ByteBuffer.wrap(hello, 0, helloLength);
    node.write(received);
    if (received.hasRemaining()) {
      up.pending = received;
    } else {
      hello = null;
    }
    if (nodeKey == null) {
      nodeKey = node.register(loop.selector(), 0, this);
    }
    phase = Phase.RELAY;
    lastActivity = loop.now();
    opened = true;
    handler.opened(route);
    interest(clientKey, up, down);
    interest(nodeKey, down, up);
  }

  @SuppressWarnings("ReferenceEquality") // which of our two keys: identity is the question
  private void relay(SelectionKey key) throws IOException {
    boolean isClient = key == clientKey;
    SocketChannel self = isClient ? client : node;
    SocketChannel other = isClient ? node : client;
    int ops = key.readyOps();
    if ((ops & SelectionKey.OP_WRITE) != 0) {
      flush(isClient ? down : up, self);
    }
    if ((ops & SelectionKey.OP_READ) != 0) {
      pump(isClient ? up : down, self, other);
    }
    if (up.eof && down.eof && up.pending == null && down.pending == null) {
      finish();
      return;
    }
    interest(clientKey, up, down);
    interest(nodeKey, down, up);
  }

  private void pump(Direction d, SocketChannel from, SocketChannel to) throws IOException {
    if (d.pending != null || d.eof) {
      return;
    }
    ByteBuffer buffer = loop.scratch();
    buffer.clear();
    int n = from.read(buffer);
    if (n < 0) {
      d.eof = true;
      to.shutdownOutput(); // nothing pending: this direction wrote everything it read
      return;
    }
    if (n == 0) {
      return;
    }
    // the loop's clock, read once per batch of events: a clock read per read cost ~2 % of the CPU
    lastActivity = loop.now();
    d.bytes += n;
    buffer.flip();
    to.write(buffer);
    if (buffer.hasRemaining()) {
      d.pending = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
    }
  }

  private void flush(Direction d, SocketChannel to) throws IOException {
    if (d.pending == null) {
      return;
    }
    to.write(d.pending);
    if (!d.pending.hasRemaining()) {
      d.pending = null;
      lastActivity = loop.now();
    }
  }

  /** Reads from a side while its direction is open and unblocked; writes while the other waits. */
  private static void interest(SelectionKey key, Direction from, Direction to) {
    int ops =
        (from.eof || from.pending != null ? 0 : SelectionKey.OP_READ)
            | (to.pending != null ? SelectionKey.OP_WRITE : 0);
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  private void unreachable(String why) {
    refuse(TlsAlert.INTERNAL_ERROR, "node of app " + route.appId() + " unreachable (" + why + ")");
  }

  private void refuse(TlsAlert alert, String why) {
    handOff(in -> ConnectionHandler.refuse(in.socket(), alert, peer, why));
  }

  /**
   * Leaves the loop: the client's key is cancelled and the channel goes to a virtual thread once
   * the selector has let go of it (a registered channel cannot block). What was read stays read.
   */
  private void handOff(ConnectionHandler.Blocking task) {
    phase = Phase.DONE;
    clientKey.cancel();
    closeNode();
    releaseSlot();
    handler.untrack(this);
    loop.handOff(() -> handler.continueBlocking(client, peer, task, released));
  }

  /** Ends the connection now, on the loop thread or once the loop has stopped. */
  void abort() {
    finish();
  }

  /**
   * Ends the connection, once: both channels closed, the accounting given back. On the loop the
   * closes wait for the next select to let go of the keys: the JDK closes a channel that is still
   * registered with a {@code getsockopt(SO_LINGER)} and a {@code shutdown} first (then an {@code
   * epoll_ctl} and the {@code close} at the next select), a deregistered one with one {@code
   * close}; that was four system calls per connection more than nginx.
   */
  private void finish() {
    if (phase == Phase.DONE) {
      return;
    }
    phase = Phase.DONE;
    if (loop.inLoop()) {
      cancel(clientKey);
      cancel(nodeKey);
      loop.handOff(this::closeAndRelease);
    } else {
      closeAndRelease(); // the loop has stopped: nothing selects any more
    }
  }

  private void closeAndRelease() {
    closeQuietly(client);
    closeNode();
    if (opened) {
      handler.closed(route, up.bytes, down.bytes);
    }
    releaseSlot();
    handler.untrack(this);
    released.run();
  }

  private static void cancel(SelectionKey key) {
    if (key != null) {
      key.cancel();
    }
  }

  private void closeNode() {
    if (node != null) {
      closeQuietly(node);
    }
  }

  private void releaseSlot() {
    if (route != null) {
      handler.release(route.appId());
      route = null;
    }
  }

  /** The sweeper's question: past the hello or connect deadline, or idle for the idle timeout. */
  @Override
  public boolean idle(long nowNanos) {
    return switch (phase) {
      case HELLO, CONNECTING -> nowNanos - deadline >= 0;
      case RELAY -> nowNanos - lastActivity >= idleNanos;
      case DONE -> false;
    };
  }

  @Override
  public void closeBoth() {
    if (loop.inLoop()) {
      expireOrFinish();
    } else {
      loop.execute(this::expireOrFinish);
    }
  }

  /** A hello or a connection to the node past its deadline says so; anything else just ends. */
  private void expireOrFinish() {
    boolean late = System.nanoTime() - deadline >= 0;
    if (phase == Phase.HELLO && late) {
      LOG.info(
          "closed {}: no complete ClientHello within {}", peer, config.limits().helloTimeout());
    } else if (phase == Phase.CONNECTING && late) {
      unreachable("connect timed out after " + config.connectTimeout());
      return;
    }
    finish();
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }

  /**
   * The bytes received so far as a stream for the parser: at their end either the client's end of
   * stream or {@link NeedMore}, which says the hello is not complete yet.
   */
  private static final class Received extends InputStream {
    /** Thrown where a blocking stream would wait; cheap (no stack trace): it is not an error. */
    static final class NeedMore extends IOException {
      NeedMore() {
        super("more bytes needed");
      }

      @Override
      public synchronized Throwable fillInStackTrace() {
        return this;
      }
    }

    private final byte[] bytes;
    private final int length;
    private final boolean eof;
    private int position;

    Received(byte[] bytes, int length, boolean eof) {
      this.bytes = bytes;
      this.length = length;
      this.eof = eof;
    }

    @Override
    public int read() throws IOException {
      if (position == length) {
        return endOfBytes();
      }
      return bytes[position++] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int count) throws IOException {
      if (count == 0) {
        return 0;
      }
      if (position == length) {
        return endOfBytes();
      }
      int n = Math.min(count, length - position);
      System.arraycopy(bytes, position, into, offset, n);
      position += n;
      return n;
    }

    private int endOfBytes() throws NeedMore {
      if (eof) {
        return -1;
      }
      throw new NeedMore();
    }
  }
}
