package dev.mse.operator.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread that serves many passthrough connections from their ClientHello to their
 * close, the way nginx's workers do: readiness from epoll in batches, a read into one direct buffer
 * shared by the whole loop, a write straight out of it. A connection costs no buffer of its own
 * unless a peer reads slower than the other side writes (or its ClientHello comes in pieces).
 *
 * <p>Why not a virtual thread per direction, like TERMINATE: every blocking read of a virtual
 * thread parks it, re-arms the poller and hands the thread back to a carrier; measured on the
 * benchmark, that made our CPU per request about 1.7 times nginx's. Reading the ClientHello and
 * connecting on a virtual thread cost the same hand-offs once per connection, which at 5,000
 * connections was most of the proxy's CPU; they moved here too ({@link ChannelRelay}).
 */
final class RelayLoop implements AutoCloseable {
  /** What a key's attachment does when its channel is ready; runs on the loop thread. */
  @FunctionalInterface
  interface Ready {
    void ready(SelectionKey key);
  }

  private static final Logger LOG = LoggerFactory.getLogger(SniProxy.class);

  private final Selector selector;
  private final ByteBuffer scratch;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  // loop thread only: channels leaving the loop, waiting for the selector to let go of them
  private List<Runnable> handOffs = new ArrayList<>();
  private long now = System.nanoTime();
  private final Thread thread;
  private volatile boolean closed;

  RelayLoop(String name, int bufferSize) throws IOException {
    this.selector = Selector.open();
    this.scratch = ByteBuffer.allocateDirect(bufferSize);
    this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
  }

  Selector selector() {
    return selector;
  }

  /** The loop's buffer for one read-then-write; only for use on the loop thread. */
  ByteBuffer scratch() {
    return scratch;
  }

  /** The time when the current batch of events began: one clock read per batch, not per read. */
  long now() {
    return now;
  }

  /**
   * Runs {@code task} on the loop once the keys cancelled so far are gone from the selector, so
   * their channels can be put back into blocking mode. Loop thread only.
   */
  void handOff(Runnable task) {
    handOffs.add(task);
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop thread; once the loop has stopped, on the caller's. */
  void execute(Runnable task) {
    synchronized (this) {
      if (!closed) {
        tasks.add(task);
        selector.wakeup();
        return;
      }
    }
    task.run();
  }

  private void loop() {
    while (!closed) {
      // a select deregisters the keys cancelled before it: with hand-offs waiting, one that does
      // not block
      List<Runnable> leaving = handOffs;
      try {
        if (leaving.isEmpty()) {
          leaving = List.of();
          selector.select(RelayLoop::dispatch);
        } else {
          handOffs = new ArrayList<>();
          selector.selectNow(RelayLoop::dispatch);
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("relay loop select failed: {}", e.toString());
      }
      now = System.nanoTime();
      run(leaving);
      runTasks();
    }
    synchronized (this) {
      runTasks();
    }
    // ended connections hand their closes off to after a select: abort first, select last
    for (SelectionKey key : selector.keys()) {
      if (key.isValid() && key.attachment() instanceof ChannelRelay relay) {
        relay.abort();
      }
    }
    try {
      selector.selectNow();
    } catch (IOException | RuntimeException e) {
      LOG.debug("relay loop last select failed: {}", e.toString());
    }
    run(handOffs);
    try {
      selector.close();
    } catch (IOException ignored) {
      // the loop is gone either way
    }
  }

  private static void dispatch(SelectionKey key) {
    ((Ready) key.attachment()).ready(key);
  }

  private static void run(List<Runnable> leaving) {
    for (Runnable task : leaving) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("relay loop hand-off failed: {}", e.toString());
      }
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("relay loop task failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
