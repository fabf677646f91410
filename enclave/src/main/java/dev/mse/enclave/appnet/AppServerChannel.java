package dev.mse.enclave.appnet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP server channel that is the JDK's own until it is bound to the app's port ({@link
 * AppPorts}). From then on it still listens on that port (health checks and the app's own loopback
 * calls keep working; a virtual thread accepts those), and it also takes the front's in-memory
 * connections: {@link #accept} returns both, in arrival order.
 *
 * <p>Whatever address the app asks for, the socket underneath listens on loopback only: a wildcard
 * bind (the default of many frameworks) must not give the app a socket that the network reaches
 * around the TLS front.
 */
final class AppServerChannel extends ServerSocketChannel implements VirtualChannel {
  // IPv4's, which IPv6 (dual-stack) channels can bind too, and which the runtime's clients use.
  private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
  private final ServerSocketChannel system;
  private final Readiness readiness = new Readiness();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<SocketChannel> backlog = new ArrayDeque<>();
  private volatile boolean app;
  private volatile int port = -1;
  private volatile SocketAddress bound;
  private ServerSocket socket;
  // The loopback accepter's own selector, once this is the app's port.
  private volatile Selector loopbackWait;

  AppServerChannel(AppNetProvider provider, ServerSocketChannel system) {
    super(provider);
    this.system = system;
  }

  /** The JDK channel underneath: the one a selector registers while this is not the app's port. */
  ServerSocketChannel system() {
    return system;
  }

  @Override
  public boolean inMemory() {
    return app;
  }

  @Override
  public Readiness readiness() {
    return readiness;
  }

  @Override
  public int readyOps() {
    lock.lock();
    try {
      return !backlog.isEmpty() || !isOpen() ? SelectionKey.OP_ACCEPT : 0;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ServerSocketChannel bind(SocketAddress local, int backlogSize) throws IOException {
    synchronized (blockingLock()) {
      if (!isOpen()) {
        throw new ClosedChannelException();
      }
      system.bind(onLoopback(local), backlogSize);
      if (system.getLocalAddress() instanceof InetSocketAddress bound
          && AppPorts.claim(bound.getPort(), this)) {
        port = bound.getPort();
        this.bound = bound;
        // Non-blocking: keys of selectors this was registered with before (Netty registers, then
        // binds) may still hold it until their next selection.
        system.configureBlocking(false);
        loopbackWait = SystemNio.provider().openSelector();
        system.register(loopbackWait, SelectionKey.OP_ACCEPT);
        app = true;
        // Keys registered already turn in-memory.
        readiness.changed();
        Thread.ofVirtual().name("mse-app-port-" + port).start(this::acceptLoopback);
      }
      return this;
    }
  }

  /** {@code asked} with its address narrowed to loopback (a loopback address stays as it is). */
  private static SocketAddress onLoopback(SocketAddress asked) {
    if (asked == null) {
      return new InetSocketAddress(LOOPBACK, 0);
    }
    if (asked instanceof InetSocketAddress inet
        && !inet.isUnresolved()
        && !inet.getAddress().isLoopbackAddress()) {
      return new InetSocketAddress(LOOPBACK, inet.getPort());
    }
    return asked;
  }

  /** Loopback clients of the app's port join the front's connections in the backlog. */
  private void acceptLoopback() {
    try {
      while (true) {
        SocketChannel connection = system.accept();
        if (connection != null) {
          arrive(connection);
        } else {
          loopbackWait.select();
          loopbackWait.selectedKeys().clear();
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      // Closed: the app closed its server channel.
    }
  }

  /** The address the app's port is bound to (an in-memory connection's local address). */
  SocketAddress bound() {
    return bound;
  }

  /** Queues one connection for the app's {@link #accept}; false when the app closed its port. */
  boolean arrive(SocketChannel connection) {
    lock.lock();
    try {
      if (!isOpen()) {
        return false;
      }
      backlog.add(connection);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    readiness.changed();
    return true;
  }

  @Override
  public SocketChannel accept() throws IOException {
    if (!app) {
      return system.accept();
    }
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    if (!isBlocking()) {
      lock.lock();
      try {
        return backlog.poll();
      } finally {
        lock.unlock();
      }
    }
    SocketChannel taken = null;
    begin();
    try {
      lock.lock();
      try {
        while ((taken = backlog.poll()) == null && isOpen()) {
          arrived.awaitUninterruptibly();
        }
      } finally {
        lock.unlock();
      }
    } finally {
      end(taken != null);
    }
    if (taken == null) {
      throw new ClosedChannelException();
    }
    return taken;
  }

  @Override
  protected void implConfigureBlocking(boolean block) throws IOException {
    if (!app) {
      system.configureBlocking(block);
    }
  }

  @Override
  protected void implCloseSelectableChannel() throws IOException {
    if (app) {
      AppPorts.release(port, this);
      // Wakes the loopback accepter, and drops its key so that the JDK releases the port.
      loopbackWait.close();
    }
    system.close();
    lock.lock();
    try {
      arrived.signalAll();
      for (SocketChannel waiting : backlog) {
        waiting.close();
      }
      backlog.clear();
    } finally {
      lock.unlock();
    }
    readiness.changed();
  }

  @Override
  public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
    system.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return system.getOption(name);
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return system.supportedOptions();
  }

  @Override
  public synchronized ServerSocket socket() {
    if (socket == null) {
      socket = new ChannelServerSocket(this);
    }
    return socket;
  }

  @Override
  public SocketAddress getLocalAddress() throws IOException {
    return system.getLocalAddress();
  }

  @Override
  public String toString() {
    return "AppServerChannel[" + (app ? "app port " + port : system.toString()) + "]";
  }
}
