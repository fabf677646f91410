package dev.mse.enclave.appnet;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection as the app sees it: a connected {@link SocketChannel} whose bytes come from
 * the front (already decrypted, in memory) and go to a {@link ResponseSink} (encrypted there,
 * straight to the client). Blocking and non-blocking modes, selectors, half-closes and the peer's
 * address behave as on a TCP socket.
 */
public final class FrontConnection extends SocketChannel implements VirtualChannel {
  /** How many bytes the front may queue ahead of the app's reads before {@link #send} waits. */
  static final int WINDOW = 256 * 1024;

  // How long a blocking reader waits for bytes another thread is passing before it looks again.
  private static final long BUSY_WAIT_MS = 50;

  private static final Set<SocketOption<?>> OPTIONS =
      Set.of(
          StandardSocketOptions.TCP_NODELAY,
          StandardSocketOptions.SO_KEEPALIVE,
          StandardSocketOptions.SO_RCVBUF,
          StandardSocketOptions.SO_SNDBUF,
          StandardSocketOptions.SO_LINGER,
          StandardSocketOptions.SO_REUSEADDR,
          StandardSocketOptions.IP_TOS);

  private final SocketAddress local;
  private final SocketAddress remote;
  private final Readiness readiness = new Readiness();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final Condition room = lock.newCondition();
  private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>();
  private final Object readLock = new Object();
  private final Object writeLock = new Object();
  private final Map<SocketOption<?>, Object> options = new ConcurrentHashMap<>();
  private int queuedBytes;
  private Runnable roomWaiter;
  private volatile RequestSource source;
  // Whether a read in blocking mode is under way (set before it pulls, see pull()).
  private volatile boolean blockingReader;
  // The app's selectors' watches of the client's socket, kept between the app's keys: at most one
  // per selector, added and removed by MixedSelector, ended here when the source detaches or the
  // connection closes. Copied on change (rare); read at every change of interest.
  private volatile MixedSelector.SocketWatch[] watches = NO_WATCHES;
  private static final MixedSelector.SocketWatch[] NO_WATCHES = {};
  private final Object watchLock = new Object();
  // Counts what reached the app's queue (bytes, or the end): tells a pull that brought nothing.
  private long arrivals;
  // Counts the front's passes of the client's bytes: a reader that found one under way waits for
  // this to change.
  private long passes;
  private volatile ResponseSink sink;
  private boolean clientEnd;
  private boolean connectCalled;
  private boolean inputEnded;
  private volatile boolean peerGone;
  private volatile boolean inputShut;
  private volatile boolean outputShut;
  private ChannelSocket socket;

  FrontConnection(
      SelectorProvider provider, SocketAddress local, SocketAddress remote, ResponseSink sink) {
    super(provider);
    this.local = local;
    this.remote = remote;
    this.sink = sink;
  }

  /**
   * Two connected ends, each writing into the other: {@code server} for the app's accept, {@code
   * client} for a client in the runtime (the front's HTTP/2 proxy).
   */
  static FrontConnection[] pair(
      SelectorProvider provider, SocketAddress serverAddress, SocketAddress clientAddress) {
    FrontConnection server = new FrontConnection(provider, serverAddress, clientAddress, null);
    FrontConnection client = new FrontConnection(provider, clientAddress, serverAddress, null);
    server.sink = new PeerSink(server, client);
    client.sink = new PeerSink(client, server);
    client.clientEnd = true;
    return new FrontConnection[] {server, client};
  }

  // ---- the front's side

  /**
   * Queues the client's next bytes for the app, waiting while the app is {@link #WINDOW} behind.
   * The buffer is the connection's from now on.
   *
   * @throws IOException when the app closed the connection or stopped reading it
   */
  public void send(ByteBuffer bytes) throws IOException {
    int length = bytes.remaining();
    if (length == 0) {
      return;
    }
    lock.lock();
    try {
      while (queuedBytes >= WINDOW && isOpen() && !inputShut) {
        room.awaitUninterruptibly();
      }
      if (!isOpen() || inputShut) {
        throw new IOException("the app closed the connection");
      }
      queued.add(bytes);
      queuedBytes += length;
      arrivals++;
      readable.signal();
    } finally {
      lock.unlock();
    }
    readiness.changed();
  }

  /**
   * Queues the client's next bytes for the app without waiting (the buffer is the connection's from
   * now on).
   *
   * @return whether the app is less than {@link #WINDOW} behind; if not, the front should stop
   *     reading its client until {@link #whenRoom} calls back
   * @throws IOException when the app closed the connection or stopped reading it
   */
  public boolean offer(ByteBuffer bytes) throws IOException {
    int length = bytes.remaining();
    boolean under;
    lock.lock();
    try {
      if (!isOpen() || inputShut) {
        throw new IOException("the app closed the connection");
      }
      if (length > 0) {
        queued.add(bytes);
        queuedBytes += length;
        arrivals++;
        readable.signal();
      }
      under = queuedBytes < WINDOW;
    } finally {
      lock.unlock();
    }
    readiness.changed();
    return under;
  }

  /** Runs {@code action} once the app is less than {@link #WINDOW} behind (or gone). */
  public void whenRoom(Runnable action) {
    lock.lock();
    try {
      if (queuedBytes >= WINDOW && isOpen() && !inputShut && !peerGone) {
        roomWaiter = action;
        return;
      }
    } finally {
      lock.unlock();
    }
    action.run();
  }

  private void roomMade() {
    Runnable waiter;
    lock.lock();
    try {
      if (roomWaiter == null || (queuedBytes >= WINDOW && isOpen() && !inputShut && !peerGone)) {
        return;
      }
      waiter = roomWaiter;
      roomWaiter = null;
    } finally {
      lock.unlock();
    }
    waiter.run();
  }

  /** From now on the app's side pulls the client's bytes from {@code source}. */
  public void attach(RequestSource source) {
    this.source = source;
    lock.lock();
    try {
      readable.signalAll();
    } finally {
      lock.unlock();
    }
    readiness.changed();
  }

  /** The source stopped: the front pushes from now on. */
  public void detach() {
    this.source = null;
    endWatch();
    readiness.changed();
  }

  private void endWatch() {
    for (MixedSelector.SocketWatch w : watches) {
      w.cancel();
    }
  }

  /** {@code selector}'s watch of the client's socket, if it has one. */
  MixedSelector.SocketWatch watch(MixedSelector selector) {
    for (MixedSelector.SocketWatch w : watches) {
      if (w.of(selector)) {
        return w;
      }
    }
    return null;
  }

  /**
   * Adds {@code w}, unless its selector has a watch here already.
   *
   * @return the selector's watch here: {@code w}, or the one found
   */
  MixedSelector.SocketWatch addWatch(MixedSelector selector, MixedSelector.SocketWatch w) {
    synchronized (watchLock) {
      MixedSelector.SocketWatch found = watch(selector);
      if (found != null) {
        return found;
      }
      MixedSelector.SocketWatch[] now = Arrays.copyOf(watches, watches.length + 1);
      now[now.length - 1] = w;
      watches = now;
      return w;
    }
  }

  /** Forgets {@code w}, if it is still one of this connection's watches. */
  void clearWatch(MixedSelector.SocketWatch w) {
    synchronized (watchLock) {
      MixedSelector.SocketWatch[] now = watches;
      for (int i = 0; i < now.length; i++) {
        if (now[i] == w) {
          MixedSelector.SocketWatch[] less = new MixedSelector.SocketWatch[now.length - 1];
          System.arraycopy(now, 0, less, 0, i);
          System.arraycopy(now, i + 1, less, i, now.length - i - 1);
          watches = less;
          return;
        }
      }
    }
  }

  /** How many times bytes or the end reached the app's queue so far. */
  long arrivals() {
    lock.lock();
    try {
      return arrivals;
    } finally {
      lock.unlock();
    }
  }

  /** The source the app's side pulls from now, if any. */
  RequestSource source() {
    return source;
  }

  /** Whether the app is less than {@link #WINDOW} behind (a source may be pulled). */
  boolean wantsMore() {
    lock.lock();
    try {
      return queuedBytes < WINDOW && !inputEnded && isOpen() && !inputShut;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Pulls from the source for the app, from a thread that must not wait (the app's selector): the
   * bytes are queued for the app's next read. A blocking reader waiting on the client's socket is
   * woken, since the bytes it waits for may be the ones taken here. Errors end the input.
   *
   * @return what the pull did ({@code DETACHED} when there is no source, or after an error)
   */
  RequestSource.Pulled pull() {
    RequestSource s = source;
    if (s == null) {
      return RequestSource.Pulled.DETACHED;
    }
    try {
      return s.pull();
    } catch (IOException e) {
      reset();
      return RequestSource.Pulled.DETACHED;
    } finally {
      if (blockingReader) {
        // It may wait on the socket for the bytes this pull took.
        s.wakeReader();
      }
    }
  }

  /**
   * The front finished passing the client's bytes (whatever it queued): a blocking reader that
   * found it busy looks again.
   */
  public void passed() {
    lock.lock();
    try {
      passes++;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the app has read less than {@code bytes} of what was queued for it. */
  boolean queuedAtLeast(int bytes) {
    lock.lock();
    try {
      return queuedBytes >= bytes;
    } finally {
      lock.unlock();
    }
  }

  /** The client sent all it will: the app reads the end of the stream after what is queued. */
  public void endInput() {
    lock.lock();
    try {
      inputEnded = true;
      arrivals++;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
    readiness.changed();
  }

  /** The front dropped the connection: the app reads its end and may no longer write. */
  public void reset() {
    peerGone = true;
    lock.lock();
    try {
      inputEnded = true;
      arrivals++;
      readable.signalAll();
      room.signalAll();
    } finally {
      lock.unlock();
    }
    readiness.changed();
    roomMade();
  }

  /** The sink became writable again after a short write. */
  public void writable() {
    readiness.changed();
  }

  // ---- the app's side

  @Override
  public boolean inMemory() {
    return true;
  }

  @Override
  public Readiness readiness() {
    return readiness;
  }

  @Override
  public int readyOps() {
    int ops = 0;
    lock.lock();
    try {
      if (!queued.isEmpty() || inputEnded || inputShut || !isOpen()) {
        ops |= SelectionKey.OP_READ;
      }
    } finally {
      lock.unlock();
    }
    if (peerGone || outputShut || !isOpen() || sink.writable()) {
      ops |= SelectionKey.OP_WRITE;
    }
    return ops;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return (int) read(new ByteBuffer[] {dst}, 0, 1);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    synchronized (readLock) {
      if (!isOpen()) {
        throw new ClosedChannelException();
      }
      if (inputShut) {
        return -1;
      }
      boolean blocking = isBlocking();
      boolean done = false;
      if (blocking) {
        blockingReader = true;
        begin();
      }
      try {
        long n = take(dsts, offset, length, blocking);
        done = true;
        return n;
      } finally {
        if (blocking) {
          blockingReader = false;
          end(done);
        }
      }
    }
  }

  private long take(ByteBuffer[] dsts, int offset, int length, boolean blocking)
      throws IOException {
    while (true) {
      RequestSource s = source;
      long n = take0(dsts, offset, length, blocking && s == null);
      if (n > 0) {
        roomMade();
        if (s != null) {
          // The app's selector may watch the client's socket again.
          readiness.changed();
        }
        return n;
      }
      if (n < 0 || s == null) {
        return n;
      }
      // Nothing queued: pull from the client; a blocking reader waits on its socket if need be,
      // or, when another thread is passing the client's bytes, until it is done.
      long passesBefore = passes();
      RequestSource.Pulled pulled = s.pull();
      if (pulled != RequestSource.Pulled.DETACHED && !hasQueued()) {
        if (!blocking) {
          return 0;
        }
        if (pulled == RequestSource.Pulled.BUSY) {
          awaitPassed(passesBefore);
        } else {
          s.awaitReadable();
        }
      }
    }
  }

  private long passes() {
    lock.lock();
    try {
      return passes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the pass under way when {@code passes} read {@code before} ended, or bytes were
   * queued, or the input ended (at most a short while).
   */
  private void awaitPassed(long before) {
    lock.lock();
    try {
      if (queued.isEmpty() && !inputEnded && isOpen() && passes == before) {
        readable.await(BUSY_WAIT_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      // The interruptible read this serves closes the channel: the caller sees it.
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  private boolean hasQueued() {
    lock.lock();
    try {
      return !queued.isEmpty() || inputEnded || !isOpen();
    } finally {
      lock.unlock();
    }
  }

  private long take0(ByteBuffer[] dsts, int offset, int length, boolean blocking) {
    long n = 0;
    lock.lock();
    try {
      while (queued.isEmpty()) {
        if (inputEnded || !isOpen()) {
          return -1;
        }
        if (!blocking || source != null) {
          return 0;
        }
        readable.awaitUninterruptibly();
      }
      for (int i = offset; i < offset + length && !queued.isEmpty(); i++) {
        ByteBuffer dst = dsts[i];
        while (dst.hasRemaining() && !queued.isEmpty()) {
          ByteBuffer head = queued.peek();
          int count = Math.min(dst.remaining(), head.remaining());
          dst.put(dst.position(), head, head.position(), count);
          dst.position(dst.position() + count);
          head.position(head.position() + count);
          n += count;
          if (!head.hasRemaining()) {
            queued.poll();
          }
        }
      }
      queuedBytes -= (int) n;
      room.signalAll();
      return n;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return (int) write(new ByteBuffer[] {src}, 0, 1);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    synchronized (writeLock) {
      if (!isOpen() || outputShut) {
        throw new ClosedChannelException();
      }
      if (peerGone) {
        throw new SocketException("Connection reset");
      }
      boolean blocking = isBlocking();
      if (!blocking) {
        return sink.write(srcs, offset, length, false);
      }
      if (sink.writable() && !Thread.currentThread().isInterrupted()) {
        // Nothing is pending, so the sink takes the bytes at once: no interruption point is set
        // up (begin/end cost a lock per response, measurably). Should it have to wait after all
        // and the thread be interrupted, the channel closes as InterruptibleChannel requires.
        try {
          return sink.write(srcs, offset, length, true);
        } catch (InterruptedIOException e) {
          close();
          throw new ClosedByInterruptException();
        }
      }
      boolean done = false;
      begin();
      try {
        long n = sink.write(srcs, offset, length, true);
        done = true;
        return n;
      } finally {
        end(done);
      }
    }
  }

  @Override
  public SocketChannel shutdownInput() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    inputShut = true;
    lock.lock();
    try {
      queued.clear();
      queuedBytes = 0;
      room.signalAll();
    } finally {
      lock.unlock();
    }
    roomMade();
    readiness.changed();
    return this;
  }

  @Override
  public SocketChannel shutdownOutput() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    if (!outputShut) {
      outputShut = true;
      sink.ended();
      readiness.changed();
    }
    return this;
  }

  @Override
  protected void implCloseSelectableChannel() {
    endWatch();
    lock.lock();
    try {
      readable.signalAll();
      room.signalAll();
    } finally {
      lock.unlock();
    }
    readiness.changed();
    roomMade();
    if (!outputShut) {
      outputShut = true;
      sink.ended();
    }
  }

  @Override
  protected void implConfigureBlocking(boolean block) {
    // Reads and writes look at isBlocking() each time.
  }

  @Override
  public SocketChannel bind(SocketAddress address) {
    throw new AlreadyBoundException();
  }

  /**
   * A client end ({@link AppPorts#open}) is made connected; the one {@code connect} its user still
   * calls succeeds at once, whatever the address.
   */
  @Override
  public boolean connect(SocketAddress address) {
    if (clientEnd && !connectCalled) {
      connectCalled = true;
      return true;
    }
    throw new AlreadyConnectedException();
  }

  @Override
  public boolean finishConnect() {
    return true;
  }

  @Override
  public boolean isConnected() {
    return isOpen();
  }

  @Override
  public boolean isConnectionPending() {
    return false;
  }

  @Override
  public SocketAddress getRemoteAddress() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    return remote;
  }

  @Override
  public SocketAddress getLocalAddress() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    return local;
  }

  SocketAddress remote() {
    return remote;
  }

  SocketAddress local() {
    return local;
  }

  boolean inputShut() {
    return inputShut;
  }

  boolean outputShut() {
    return outputShut;
  }

  @Override
  public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
    if (!OPTIONS.contains(name)) {
      throw new UnsupportedOperationException("'" + name + "' not supported");
    }
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    // Accepted and kept for getOption: nothing in memory is buffered or delayed by them.
    if (value != null) {
      options.put(name, value);
    }
    return this;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T getOption(SocketOption<T> name) throws IOException {
    if (!OPTIONS.contains(name)) {
      throw new UnsupportedOperationException("'" + name + "' not supported");
    }
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    Object value = options.get(name);
    if (value != null) {
      return (T) value;
    }
    Object fallback;
    if (name.type() == Boolean.class) {
      fallback = name == StandardSocketOptions.TCP_NODELAY;
    } else if (name == StandardSocketOptions.SO_LINGER) {
      fallback = -1;
    } else if (name == StandardSocketOptions.IP_TOS) {
      fallback = 0;
    } else {
      fallback = WINDOW;
    }
    return (T) fallback;
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return OPTIONS;
  }

  @Override
  public synchronized java.net.Socket socket() {
    if (socket == null) {
      socket = ChannelSocket.of(this);
    }
    return socket;
  }

  @Override
  public String toString() {
    return "FrontConnection[" + remote + " -> " + local + (isOpen() ? "" : ", closed") + "]";
  }
}
