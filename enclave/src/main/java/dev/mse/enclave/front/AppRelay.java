package dev.mse.enclave.front;

import dev.mse.enclave.appnet.AppPorts;
import dev.mse.enclave.appnet.ByteBuffers;
import dev.mse.enclave.appnet.RequestSource;
import dev.mse.enclave.appnet.ResponseSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's HTTP/1.1 connection, after TLS: its requests go to the app as bytes, with no second
 * HTTP parse and serialization in between, over an {@link AppLink} of its own (in memory when the
 * app took its port through NIO, else loopback). Request heads are still read (see {@link
 * RequestStream}): a request for the runtime, or any request once the app is not running, hands the
 * rest of the connection to Jetty's HTTP handling, after the app answered everything sent before
 * it. Responses are followed ({@link ResponseStream}) before they go to TLS, to know when each
 * request was answered.
 *
 * <p>For an app in memory, the first request passes on Jetty's selector thread as it is decrypted;
 * from then on the app's own selector watches the client's socket and pulls (this class is the
 * connection's {@link RequestSource}), so no front thread is woken per request. Anything that may
 * wait (the app's answer to an upgrade, a hand-over, a loopback socket) goes on on a virtual thread
 * of the connection's own. The app's bytes are encrypted on the thread that writes them (the app's
 * own, in memory).
 */
final class AppRelay extends AbstractConnection.NonBlocking
    implements Connection.UpgradeFrom, ResponseSink, RequestSource {
  private static final Logger LOG = LoggerFactory.getLogger(AppRelay.class);
  private static final int BUFFER = 16 * 1024;
  // Above TLS's largest record (16 KiB and its overhead): records decrypt straight into it.
  private static final int INPUT_BUFFER = 32 * 1024;

  private final AppRelayFactory factory;
  private final Connector connector;
  private final BlockingEndPoint client;
  private final Queue<Exchange> pending = new ConcurrentLinkedQueue<>();
  private final ResponseStream responses = new ResponseStream(pending);
  private final AtomicInteger unanswered = new AtomicInteger();
  private final Object answeredSignal = new Object();
  private final RequestStream requests;
  private final ByteBuffer in = BufferUtil.allocate(INPUT_BUFFER);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(BUFFER);
  private volatile ByteBuffer unsent;
  // Requests are passed by one thread at a time: Jetty's selector, the app's pulling thread, or
  // the connection's own virtual thread, in turn. Only the virtual thread ever waits for it.
  private final ReentrantLock passing = new ReentrantLock();
  private final SocketChannel socket;
  private final SocketWait readable;
  private volatile boolean pulling;
  // Whether a virtual thread reads the client, blocking (set and read under passing).
  private boolean readsBlocking;
  // Once pulled, TLS 1.3 records are read and written here rather than through Jetty.
  private volatile DirectTls tls;
  private boolean directPossible = true;
  private volatile ByteBuffer handedOver;
  private volatile boolean handingOver;
  private volatile AppLink app;
  private volatile boolean appEnded;
  private volatile CompletableFuture<Void> flushing;
  private final List<Exchange> answeredNow = new ArrayList<>(2);

  AppRelay(EndPoint endPoint, Connector connector, AppRelayFactory factory) {
    super(endPoint, connector.getExecutor());
    this.factory = factory;
    this.connector = connector;
    this.client = new BlockingEndPoint(endPoint);
    this.requests = new RequestStream(this::relays, this::sent, forwardedLine(), factory::stopping);
    this.socket =
        endPoint instanceof SslConnection.SslEndPoint ssl
                && ssl.getSslConnection().getEndPoint() instanceof SocketChannelEndPoint net
            ? net.getChannel()
            : null;
    this.readable = socket == null ? null : new SocketWait(socket, SelectionKey.OP_READ);
  }

  @Override
  public void onOpen() {
    super.onOpen();
    factory.opened(this);
    if (AppPorts.taken(factory.route().port())) {
      // The app is in memory: requests pass on Jetty's selector thread, as they arrive.
      fillInterested();
    } else {
      Thread.ofVirtual().name("mse-relay-requests").start(this::relayBlocking);
    }
  }

  @Override
  public void onClose(Throwable cause) {
    super.onClose(cause);
    factory.closed(this);
    if (readable != null) {
      readable.close();
    }
    DirectTls direct = tls;
    if (direct != null) {
      direct.close();
    }
    if (!handingOver) {
      // The client is gone (or timed out): nothing may keep waiting on the app for it.
      closeApp();
    }
  }

  @Override
  public ByteBuffer onUpgradeFrom() {
    return handedOver;
  }

  /** Whether nothing is in flight to the app: a stopping front may close the connection. */
  boolean idle() {
    return unanswered.get() == 0;
  }

  /** What {@link #pass} stopped for. */
  private enum Step {
    /** Everything read was passed on: read more. */
    READ,
    /** Everything read was passed on, but the app is a window behind: wait for it. */
    APP_BEHIND,
    /** What comes next may wait (on the app, or a loopback socket): a virtual thread goes on. */
    WAIT,
    /** The connection was handed over or closed. */
    DONE,
    /** The client sent all it will. */
    ENDED
  }

  /**
   * On Jetty's selector thread, for an app in memory, until the app's selector takes over reading
   * ({@link #pull}): passes what the client sent without ever waiting; anything that would wait
   * continues on a virtual thread.
   */
  @Override
  public void onFillable() {
    // Whoever holds the lock reads the client now (the app's selector, or the virtual thread).
    if (!passing.tryLock()) {
      return;
    }
    try {
      Step step = readNow();
      switch (step) {
        case READ -> {
          if (!pulling) {
            fillInterested();
          }
        }
        case APP_BEHIND -> {
          if (!pulling) {
            ((InMemoryLink) app).connection().whenRoom(this::fillInterested);
          }
        }
        case WAIT, DONE, ENDED -> stopped(step);
      }
    } catch (IOException | FramingException | RuntimeException e) {
      LOG.debug("relay ended: {}", e.toString());
      stopPulling();
      end();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end();
    } finally {
      donePassing();
    }
  }

  /** Releases {@link #passing}; an app reader that found it held looks again. */
  private void donePassing() {
    passing.unlock();
    if (app instanceof InMemoryLink memory) {
      memory.connection().passed();
    }
  }

  @Override
  public SelectableChannel socket() {
    return socket;
  }

  /**
   * On the app's thread, its selector having seen the client's socket readable (or a reader finding
   * nothing queued): decrypts what came and passes it on, as {@link #onFillable} would on Jetty's
   * selector, with no thread woken in between.
   */
  @Override
  public Pulled pull() throws IOException {
    // Never wait here: this is the app's selector thread, which serves every other connection.
    if (!passing.tryLock()) {
      return pulling ? Pulled.BUSY : Pulled.DETACHED;
    }
    try {
      if (!pulling) {
        return Pulled.DETACHED;
      }
      Step step = readNow();
      if (step == Step.READ || step == Step.APP_BEHIND) {
        return Pulled.READ;
      }
      stopped(step);
      return Pulled.DETACHED;
    } catch (FramingException | InterruptedException | RuntimeException e) {
      LOG.debug("relay ended: {}", e.toString());
      stopPulling();
      end();
      return Pulled.DETACHED;
    } catch (IOException e) {
      stopPulling();
      end();
      throw e;
    } finally {
      donePassing();
    }
  }

  /** {@link #readNow} stopped for good: pulling ends, and the step's continuation follows. */
  private void stopped(Step step) {
    stopPulling();
    switch (step) {
      case WAIT -> Thread.ofVirtual().name("mse-relay-requests").start(this::relayBlocking);
      case ENDED -> clientEnded();
      default -> {}
    }
  }

  /** Reads what the client sent, without waiting, and passes it on until something stops it. */
  private Step readNow() throws IOException, FramingException, InterruptedException {
    boolean filled = false;
    while (true) {
      if (!in.hasRemaining()) {
        DirectTls direct = tls;
        if (filled && direct != null && direct.drained()) {
          // The socket's readiness (the app's selector watches it) tells when more comes.
          return Step.READ;
        }
        filled = true;
        BufferUtil.clear(in);
        int n = direct != null ? direct.fill(in) : getEndPoint().fill(in);
        if (n < 0) {
          return Step.ENDED;
        }
        if (n == 0) {
          if (direct == null && pulling && directPossible) {
            // Jetty just found nothing to decrypt: the moment its reading can be taken over.
            directPossible = DirectTls.possible(getEndPoint());
            tls = directPossible ? DirectTls.takeOver(getEndPoint(), readable).orElse(null) : null;
            if (tls != null) {
              factory.metrics().tookOverTls();
            }
          }
          return Step.READ;
        }
      }
      Step step = pass(false);
      if (step != Step.READ) {
        return step;
      }
    }
  }

  private void stopPulling() {
    if (pulling) {
      pulling = false;
      if (app instanceof InMemoryLink memory) {
        memory.connection().detach();
      }
    }
  }

  @Override
  public void awaitReadable() throws IOException {
    readable.await();
  }

  @Override
  public void wakeReader() {
    readable.wake();
  }

  /** On a virtual thread: reads the client and passes its bytes on, waiting where it must. */
  private void relayBlocking() {
    passing.lock();
    readsBlocking = true;
    try {
      ByteBuffer left = unsent;
      if (left != null) {
        unsent = null;
        app.send(left);
      }
      while (pass(true) != Step.DONE) {
        BufferUtil.clear(in);
        DirectTls direct = tls;
        if ((direct != null ? direct.read(in) : client.read(in)) < 0) {
          clientEnded();
          return;
        }
      }
    } catch (IOException | FramingException | RuntimeException e) {
      LOG.debug("relay ended: {}", e.toString());
      end();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end();
    } finally {
      donePassing();
    }
  }

  /**
   * Passes the bytes read ({@code in}) to the app, request by request; {@code blocking} says
   * whether this thread may wait.
   */
  private Step pass(boolean blocking) throws IOException, FramingException, InterruptedException {
    boolean appKeepsUp = true;
    while (true) {
      // First what the last feed stopped for.
      switch (requests.next()) {
        case MORE -> {}
        case DECISION -> {
          if (!blocking) {
            return Step.WAIT;
          }
          requests.decided(requests.awaiting().leftHttp(this::appAlive));
        }
        case HAND_OVER -> {
          if (!blocking) {
            return Step.WAIT;
          }
          handOver(requests.held());
          return Step.DONE;
        }
        case CLOSE -> {
          if (!blocking) {
            return Step.WAIT;
          }
          awaitAnswers();
          getEndPoint().close();
          return Step.DONE;
        }
      }
      if (!in.hasRemaining()) {
        return appKeepsUp ? Step.READ : Step.APP_BEHIND;
      }
      int taken = requests.feed(in.array(), in.arrayOffset() + in.position(), in.remaining(), out);
      in.position(in.position() + taken);
      if (out.size() > 0) {
        ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
        out.reset();
        if (blocking) {
          app.send(bytes);
        } else if (app instanceof InMemoryLink memory) {
          appKeepsUp &= memory.connection().offer(bytes);
        } else {
          unsent = bytes;
          return Step.WAIT;
        }
      }
    }
  }

  /** Decides whether a request target goes to the app, connecting to it for the first one. */
  private boolean relays(String target) {
    if (!RequestStream.plainAppTarget(target) || !factory.route().running().getAsBoolean()) {
      return false;
    }
    if (app != null) {
      return !appEnded;
    }
    int port = factory.route().port();
    AppLink link =
        AppPorts.connect(port, getEndPoint().getRemoteSocketAddress(), this)
            .<AppLink>map(InMemoryLink::new)
            .orElse(null);
    if (link == null) {
      if (!factory.route().loopback()) {
        return false; // the runtime's path refuses it, and says why
      }
      try {
        link = LoopbackLink.open(port, this);
      } catch (IOException e) {
        // Jetty's path answers this request (with a 502 from the proxy, or the runtime's status).
        return false;
      }
    }
    app = link;
    if (link instanceof InMemoryLink memory && socket != null && !readsBlocking) {
      // Not from the blocking thread: it holds the relay's lock for as long as it reads, so the
      // app could never pull; it pushes instead.
      pulling = true;
      memory.connection().attach(this);
    }
    return true;
  }

  private void sent(Exchange exchange) {
    unanswered.incrementAndGet();
    pending.add(exchange);
  }

  private boolean appAlive() {
    return app != null && !appEnded;
  }

  /**
   * The app's bytes, on the app's writing thread: followed, then handed to TLS. All are taken at
   * once (TLS keeps what the client cannot take yet); while that remainder is pending, a
   * non-blocking write takes nothing, a blocking one waits.
   */
  @Override
  public long write(ByteBuffer[] buffers, int offset, int length, boolean blocking)
      throws IOException {
    CompletableFuture<Void> previous = flushing;
    if (previous != null && !previous.isDone()) {
      if (!blocking) {
        return 0;
      }
      await(previous);
    }
    if (previous != null) {
      failure(previous);
    }
    if (handingOver || appEnded) {
      throw new SocketException("Connection reset");
    }
    long size = 0;
    for (int i = offset; i < offset + length; i++) {
      size += buffers[i].remaining();
    }
    if (size == 0) {
      return 0;
    }
    // One writer at a time (the app's channel serializes its writes), so one list serves them all.
    List<Exchange> answered = answeredNow;
    synchronized (responses) {
      try {
        for (int i = offset; i < offset + length; i++) {
          scan(buffers[i], answered);
        }
      } catch (FramingException e) {
        answered.clear();
        LOG.debug("the app's bytes are not responses: {}", e.getMessage());
        end();
        throw new SocketException("Connection reset");
      }
    }
    DirectTls direct = tls;
    if (direct != null && direct.writesDirect()) {
      // Encrypted at once: the buffers are the caller's again when this returns.
      CompletableFuture<Void> rest;
      try {
        rest = direct.write(buffers, offset, length);
      } catch (IOException | RuntimeException e) {
        answered.clear();
        throw e;
      }
      if (rest != null) {
        // Before the answers are told: a hand-over or a stop waiting on them waits for these bytes.
        flushing = rest;
        rest.whenComplete((v, x) -> appMayWrite());
      }
      answered(answered);
      if (rest != null && blocking) {
        await(rest);
      }
      return size;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    flushing = done;
    // A blocking writer waits until TLS took its buffers, so they go as they are; a non-blocking
    // one gets them back at once, so TLS gets a copy.
    ByteBuffer[] out;
    if (blocking) {
      out = Arrays.copyOfRange(buffers, offset, offset + length);
    } else {
      out = new ByteBuffer[] {ByteBuffers.gather(buffers, offset, length)};
    }
    getEndPoint().write(new Flushed(done, this), out);
    answered(answered);
    if (blocking || done.isDone()) {
      await(done);
    }
    return size;
  }

  /** Follows {@code buffer}'s remaining bytes, leaving its position where it is. */
  private void scan(ByteBuffer buffer, List<Exchange> answered) throws FramingException {
    int n = buffer.remaining();
    if (n == 0) {
      return;
    }
    if (buffer.hasArray()) {
      responses.scan(buffer.array(), buffer.arrayOffset() + buffer.position(), n, answered);
    } else {
      byte[] bytes = new byte[n];
      buffer.get(buffer.position(), bytes);
      responses.scan(bytes, 0, n, answered);
    }
  }

  @Override
  public boolean writable() {
    CompletableFuture<Void> f = flushing;
    return f == null || f.isDone();
  }

  /** The app closed its side: what it sent is answered, and the client's connection ends too. */
  @Override
  public void ended() {
    synchronized (responses) {
      if (appEnded) {
        return;
      }
      appEnded = true;
      List<Exchange> answered = new ArrayList<>(1);
      responses.closed(answered);
      answered(answered);
    }
    pending.forEach(Exchange::abandon);
    synchronized (answeredSignal) {
      answeredSignal.notifyAll();
    }
    if (!handingOver) {
      // As it would talking directly, once the client has what the app sent.
      closeWhenFlushed();
    }
  }

  /** Closes the client's connection once what the app wrote went out. */
  private void closeWhenFlushed() {
    CompletableFuture<Void> f = flushing;
    if (f == null) {
      getEndPoint().close();
    } else {
      f.whenComplete((v, x) -> getEndPoint().close());
    }
  }

  private static void await(CompletableFuture<Void> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private static void failure(CompletableFuture<Void> f) throws IOException {
    if (f.isCompletedExceptionally()) {
      await(f);
    }
  }

  private void answered(List<Exchange> answered) {
    if (answered.isEmpty()) {
      return;
    }
    for (Exchange e : answered) {
      factory.metrics().answered(e.startNanos);
    }
    int left = unanswered.addAndGet(-answered.size());
    answered.clear();
    if (left == 0) {
      synchronized (answeredSignal) {
        answeredSignal.notifyAll();
      }
      if (factory.stopping()) {
        closeWhenFlushed();
      }
    }
  }

  /** Waits until the app answered every request sent to it, or its connection ended. */
  private boolean awaitAnswers() throws InterruptedException {
    synchronized (answeredSignal) {
      while (unanswered.get() > 0 && appAlive()) {
        answeredSignal.wait(100);
      }
    }
    return unanswered.get() == 0;
  }

  /**
   * Gives the rest of the connection, from {@code held}, to Jetty's HTTP/1.1 handling (and so to
   * the runtime's routes), once the app answered what it was sent and TLS took it.
   */
  private void handOver(ByteBuffer held) throws InterruptedException, IOException {
    if (app != null) {
      if (!awaitAnswers()) {
        end();
        return;
      }
      handingOver = true;
      closeApp();
      CompletableFuture<Void> f = flushing;
      if (f != null) {
        await(f);
      }
    }
    DirectTls direct = tls;
    if (direct != null) {
      // Jetty reads on from the socket; what was decrypted here comes first.
      tls = null;
      ByteBuffer rest = direct.release();
      ByteBuffer all = ByteBuffer.allocate(held.remaining() + rest.remaining());
      held = all.put(held).put(rest).flip();
    }
    if (held.remaining() > AppRelayFactory.HAND_OVER_INPUT) {
      // Jetty would drop the excess without a word: never hand over a stream with a gap.
      LOG.warn("a hand-over brought {} bytes, more than Jetty takes: closing", held.remaining());
      end();
      return;
    }
    handedOver = held;
    EndPoint endPoint = getEndPoint();
    endPoint.upgrade(factory.http11().newConnection(connector, endPoint));
  }

  /** The client closed its sending side: let the app finish, then both ends close. */
  private void clientEnded() {
    if (app == null) {
      getEndPoint().close();
      return;
    }
    try {
      app.endRequests();
    } catch (IOException e) {
      end();
    }
  }

  private void end() {
    closeApp();
    getEndPoint().close();
  }

  private void closeApp() {
    AppLink link = app;
    if (link != null) {
      link.close();
    }
  }

  /** RFC 7239, as Jetty's proxy adds it: the client's address and that it came over TLS. */
  private String forwardedLine() {
    SocketAddress remote = getEndPoint().getRemoteSocketAddress();
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      if (inet.getAddress() instanceof Inet6Address) {
        host = "[" + host + "]";
      }
      return "Forwarded: for=\"" + host + ":" + inet.getPort() + "\";proto=https\r\n";
    }
    return "Forwarded: proto=https\r\n";
  }

  /** TLS took a write: the app may write again (an in-memory app is woken for it). */
  private void appMayWrite() {
    if (app instanceof InMemoryLink memory) {
      memory.connection().writable();
    }
  }

  /** Jetty's TLS took a write. */
  private record Flushed(CompletableFuture<Void> done, AppRelay relay) implements Callback {
    @Override
    public void succeeded() {
      done.complete(null);
      relay.appMayWrite();
    }

    @Override
    public void failed(Throwable x) {
      done.completeExceptionally(x);
      relay.appMayWrite();
    }

    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
    }
  }
}
