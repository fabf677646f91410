package dev.mse.operator.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The passthrough relay: both sockets non-blocking on a {@link RelayLoop}. The virtual thread that
 * hands them over waits in {@link #run} until the relay ends, so the proxy's accounting (limits,
 * metrics) stays in one place.
 *
 * <p>Back-pressure: when a write does not take everything read, the rest waits in a buffer of its
 * own, reading from that side stops, and the loop waits for the other side to be writable. So
 * memory per connection is bounded by one buffer per direction, and only a slow peer costs any.
 */
final class ChannelRelay implements Relay {
  private final SocketChannel client;
  private final SocketChannel node;
  private final RelayLoop loop;
  private final long idleNanos;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile long lastActivity = System.nanoTime();

  // loop thread only, published to run() by the latch
  private final Direction up = new Direction();
  private final Direction down = new Direction();
  private SelectionKey clientKey;
  private SelectionKey nodeKey;
  private boolean finished;

  /** One direction's state: bytes read, bytes a slow reader has not taken yet, end of input. */
  private static final class Direction {
    long bytes;
    ByteBuffer pending;
    boolean eof;
  }

  ChannelRelay(SocketChannel client, SocketChannel node, RelayLoop loop, Duration idleTimeout) {
    this.client = client;
    this.node = node;
    this.loop = loop;
    this.idleNanos = idleTimeout.toNanos();
  }

  @Override
  public Counts run(long alreadyToNode) throws InterruptedException {
    loop.execute(() -> start(alreadyToNode));
    done.await();
    return new Counts(up.bytes, down.bytes);
  }

  private void start(long alreadyToNode) {
    up.bytes = alreadyToNode;
    try {
      client.configureBlocking(false);
      node.configureBlocking(false);
      clientKey = client.register(loop.selector(), SelectionKey.OP_READ, this);
      nodeKey = node.register(loop.selector(), SelectionKey.OP_READ, this);
    } catch (IOException | RuntimeException e) {
      finish();
    }
  }

  /** A readiness event for one of the two channels. */
  @SuppressWarnings("ReferenceEquality") // which of our two keys: identity is the question
  void ready(SelectionKey key) {
    if (finished) {
      return;
    }
    try {
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
    } catch (IOException | CancelledKeyException e) {
      finish(); // a reset, or closed by the sweeper: nothing left to relay either way
    } catch (RuntimeException e) {
      finish();
      throw e;
    }
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
    lastActivity = System.nanoTime();
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
      lastActivity = System.nanoTime();
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

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    closeQuietly(client);
    closeQuietly(node);
    done.countDown();
  }

  @Override
  public boolean idle(long nowNanos) {
    return nowNanos - lastActivity >= idleNanos;
  }

  @Override
  public void closeBoth() {
    if (loop.inLoop()) {
      finish();
    } else {
      loop.execute(this::finish);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
