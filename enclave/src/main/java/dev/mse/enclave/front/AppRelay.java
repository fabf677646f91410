package dev.mse.enclave.front;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's HTTP/1.1 connection, after TLS: its requests go to the app over one plain loopback
 * connection of its own, as bytes, with no second HTTP parse and serialization in between. Request
 * heads are still read (see {@link RequestStream}): a request for the runtime, or any request once
 * the app is not running, hands the rest of the connection to Jetty's HTTP handling, after the app
 * answered everything sent before it. Responses are followed ({@link ResponseStream}) only to know
 * when each request was answered.
 *
 * <p>Two virtual threads per relayed connection: this one's own for client → app, and one for app →
 * client, started with the app connection.
 */
final class AppRelay extends AbstractConnection implements Connection.UpgradeFrom {
  private static final Logger LOG = LoggerFactory.getLogger(AppRelay.class);
  private static final int BUFFER = 16 * 1024;

  private final AppRelayFactory factory;
  private final Connector connector;
  private final BlockingEndPoint client;
  private final Queue<Exchange> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger unanswered = new AtomicInteger();
  private final Object answeredSignal = new Object();
  private volatile ByteBuffer handedOver;
  private volatile boolean handingOver;
  private volatile Socket app;
  private volatile Thread responses;

  AppRelay(EndPoint endPoint, Connector connector, AppRelayFactory factory) {
    super(endPoint, connector.getExecutor());
    this.factory = factory;
    this.connector = connector;
    this.client = new BlockingEndPoint(endPoint);
  }

  @Override
  public void onOpen() {
    super.onOpen();
    factory.opened(this);
    Thread.ofVirtual().name("mse-relay-requests").start(this::relayRequests);
  }

  @Override
  public void onClose(Throwable cause) {
    super.onClose(cause);
    factory.closed(this);
    if (!handingOver) {
      // The client is gone (or timed out): nothing may keep waiting on the app for it.
      closeApp();
    }
  }

  @Override
  public void onFillable() {
    // Never asked for: the relay's own thread reads.
  }

  @Override
  public ByteBuffer onUpgradeFrom() {
    return handedOver;
  }

  /** Whether nothing is in flight to the app: a stopping front may close the connection. */
  boolean idle() {
    return unanswered.get() == 0;
  }

  private void relayRequests() {
    RequestStream requests =
        new RequestStream(this::relays, this::sent, forwardedLine(), factory::stopping);
    ByteBuffer in = BufferUtil.allocate(BUFFER);
    ByteArrayOutputStream out = new ByteArrayOutputStream(BUFFER);
    try {
      while (true) {
        BufferUtil.clear(in);
        if (client.read(in) < 0) {
          clientEnded();
          return;
        }
        byte[] b = in.array();
        int off = in.arrayOffset() + in.position();
        int len = in.remaining();
        while (len > 0) {
          int taken = requests.feed(b, off, len, out);
          off += taken;
          len -= taken;
          if (out.size() > 0) {
            out.writeTo(app.getOutputStream());
            out.reset();
          }
          switch (requests.next()) {
            case MORE -> {}
            case DECISION -> requests.decided(requests.awaiting().leftHttp(responses));
            case HAND_OVER -> {
              handOver(requests.held());
              return;
            }
            case CLOSE -> {
              awaitAnswers();
              getEndPoint().close();
              return;
            }
          }
        }
      }
    } catch (IOException | FramingException | RuntimeException e) {
      LOG.debug("relay ended: {}", e.toString());
      end();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end();
    }
  }

  /** Decides whether a request target goes to the app, connecting to it for the first one. */
  private boolean relays(String target) {
    if (!RequestStream.plainAppTarget(target) || !factory.route().running().getAsBoolean()) {
      return false;
    }
    if (app != null) {
      return true;
    }
    try {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress("127.0.0.1", factory.route().port()), 5_000);
      app = s;
    } catch (IOException e) {
      // Jetty's path answers this request (with a 502 from the proxy, or the runtime's status).
      return false;
    }
    responses = Thread.ofVirtual().name("mse-relay-responses").start(this::relayResponses);
    return true;
  }

  private void sent(Exchange exchange) {
    unanswered.incrementAndGet();
    pending.add(exchange);
  }

  private void relayResponses() {
    ResponseStream stream = new ResponseStream(pending);
    List<Exchange> answered = new ArrayList<>();
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = app.getInputStream()) {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          stream.closed(answered);
          answered(answered);
          break;
        }
        stream.scan(buffer, 0, n, answered);
        client.write(ByteBuffer.wrap(buffer, 0, n));
        answered(answered);
      }
    } catch (IOException | FramingException | RuntimeException e) {
      if (!handingOver) {
        LOG.debug("relay of responses ended: {}", e.toString());
      }
    } finally {
      pending.forEach(Exchange::abandon);
      synchronized (answeredSignal) {
        answeredSignal.notifyAll();
      }
      if (!handingOver) {
        // The app closed its connection: the client's ends with it, as it would talking directly.
        getEndPoint().close();
      }
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
        getEndPoint().close();
      }
    }
  }

  /** Waits until the app answered every request sent to it, or its connection ended. */
  private boolean awaitAnswers() throws InterruptedException {
    synchronized (answeredSignal) {
      while (unanswered.get() > 0 && responses != null && responses.isAlive()) {
        answeredSignal.wait(100);
      }
    }
    return unanswered.get() == 0;
  }

  /**
   * Gives the rest of the connection, from {@code held}, to Jetty's HTTP/1.1 handling (and so to
   * the runtime's routes), once the app answered what it was sent.
   */
  private void handOver(ByteBuffer held) throws InterruptedException {
    if (app != null) {
      if (!awaitAnswers()) {
        end();
        return;
      }
      handingOver = true;
      closeApp();
      responses.join();
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
      app.shutdownOutput();
    } catch (IOException e) {
      end();
    }
  }

  private void end() {
    closeApp();
    getEndPoint().close();
  }

  private void closeApp() {
    if (app != null) {
      try {
        app.close();
      } catch (IOException ignored) {
        // Already gone.
      }
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
}
