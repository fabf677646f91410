package dev.mse.enclave.appnet;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A selector over the JDK's channels and in-memory ones together. A JDK channel is also registered
 * with the JDK selector underneath, whose key for it carries this selector's key; cancelling this
 * selector's key cancels that one at once (so the channel can go back to blocking mode right away,
 * as the JDK's {@code HttpServer} does), and whichever selector drops the channel's last key
 * releases a closed channel's descriptor. In-memory channels ({@link VirtualChannel}) are asked for
 * their readiness after each wait, and wake the JDK selector when it changes. Selection follows the
 * JDK's rules: a key already selected gets its ready set extended, cancelled keys leave at the next
 * selection, {@link #wakeup} makes the next one return at once.
 *
 * <p>For a front connection whose bytes the app pulls, the JDK selector watches the client's socket
 * ({@link SocketWatch}). That watch belongs to the connection, not to the app's key for it, and
 * outlives the key: the JDK {@code HttpServer} cancels its key before each request and registers a
 * new one after the response, and watching the socket per key cost two {@code epoll_ctl} calls a
 * request. A watch nobody wants is left in place: if the socket turns readable meanwhile, the
 * selection pulls the bytes in for the app's next key, and stops the watch only when the app is
 * behind or a pull cannot make progress ({@link SocketWatch#readable}).
 */
final class MixedSelector extends AbstractSelector {
  private static final long FOREVER = -1;
  // How much a selection pulls ahead of the app, at most, when no key wants the socket.
  private static final int READ_AHEAD = 64 * 1024;
  private final Selector system;
  private final Set<Key> keys = ConcurrentHashMap.newKeySet();
  // In-memory keys that may be ready: told of a change since the last selection, or ready then.
  private final Set<Key> candidates = ConcurrentHashMap.newKeySet();
  // Keys whose socket watch met a cancelled JDK key not yet dropped: watched again at selection.
  private final Set<Key> refollow = ConcurrentHashMap.newKeySet();
  // The thread blocked in the JDK selector now, if any: the one a new watch must wake.
  private volatile Thread selecting;
  // The candidates looked at by the selection under way (the selection is synchronized).
  private final List<Key> batch = new ArrayList<>();
  private final Set<SelectionKey> selected = new HashSet<>();
  private final Set<SelectionKey> publicSelected;

  MixedSelector(AppNetProvider provider, Selector system) {
    super(provider);
    this.system = system;
    this.publicSelected = new Ungrowable(selected);
    SystemNio.cancelThrough(this, new CancelledKeys());
  }

  /** The cancelled-key set under {@link AbstractSelector}: adding a key cancels its JDK key too. */
  private static final class CancelledKeys extends HashSet<SelectionKey> {
    @Override
    public boolean add(SelectionKey key) {
      if (key instanceof Key k) {
        // In step with Key.changed(), which may turn a JDK key in-memory meanwhile.
        synchronized (k) {
          if (k.system != null) {
            k.system.cancel();
          }
        }
      }
      return super.add(key);
    }
  }

  @Override
  protected SelectionKey register(AbstractSelectableChannel channel, int ops, Object attachment) {
    if (!isOpen()) {
      throw new ClosedSelectorException();
    }
    if (channel instanceof VirtualChannel v && v.inMemory()) {
      Key key = new Key(channel, v);
      key.attach(attachment);
      key.interest = ops;
      keys.add(key);
      v.readiness().watch(key);
      key.changed();
      return key;
    }
    // A JDK channel, or a server channel that is not the app's port (the JDK channel inside): a
    // server channel may become the app's port later (Netty registers before it binds), and its
    // key then turns into an in-memory one (Key.changed()).
    AppServerChannel server = channel instanceof AppServerChannel a ? a : null;
    SelectableChannel target = server != null ? server.system() : channel;
    Key key = new Key(channel, server);
    key.target = target;
    key.attach(attachment);
    key.interest = ops;
    try {
      key.system = target.register(system, ops, key);
    } catch (ClosedChannelException e) {
      throw new IllegalSelectorException();
    }
    keys.add(key);
    if (server != null) {
      server.readiness().watch(key);
      if (server.inMemory()) {
        // It became the app's port while this key was made.
        key.changed();
      }
    }
    return key;
  }

  @Override
  public Set<SelectionKey> keys() {
    if (!isOpen()) {
      throw new ClosedSelectorException();
    }
    return Collections.<SelectionKey>unmodifiableSet(keys);
  }

  @Override
  public Set<SelectionKey> selectedKeys() {
    if (!isOpen()) {
      throw new ClosedSelectorException();
    }
    return publicSelected;
  }

  @Override
  public int selectNow() throws IOException {
    return select(0, true);
  }

  @Override
  public int select(long timeout) throws IOException {
    if (timeout < 0) {
      throw new IllegalArgumentException("negative timeout");
    }
    return select(timeout == 0 ? FOREVER : timeout, false);
  }

  @Override
  public int select() throws IOException {
    return select(FOREVER, false);
  }

  @Override
  public Selector wakeup() {
    system.wakeup();
    return this;
  }

  private synchronized int select(long timeout, boolean now) throws IOException {
    if (!isOpen()) {
      throw new ClosedSelectorException();
    }
    dropCancelled();
    if (!refollow.isEmpty()) {
      // A socket could not be watched because its previous key here was cancelled but not yet
      // dropped: the JDK selector drops it now, then the watch is set up again.
      system.selectNow();
      for (Iterator<Key> i = refollow.iterator(); i.hasNext(); ) {
        Key key = i.next();
        i.remove();
        follow(key);
      }
      system.selectNow();
    } else if (now || anyInMemoryReady()) {
      system.selectNow();
    } else {
      selecting = Thread.currentThread();
      try {
        if (timeout == FOREVER) {
          system.select();
        } else {
          system.select(timeout);
        }
      } finally {
        selecting = null;
      }
    }
    dropCancelled();
    int updated = 0;
    Set<SelectionKey> systemSelected = system.selectedKeys();
    for (SelectionKey s : systemSelected) {
      Object attachment = s.attachment();
      if (attachment instanceof Key key && key.isValid()) {
        int ready = s.readyOps();
        if (ready != 0) {
          updated += key.select(ready);
        }
      } else if (attachment instanceof SocketWatch watch) {
        updated += watch.readable(s);
      }
    }
    systemSelected.clear();
    // Only the in-memory keys told of a change, or ready at the last selection: their channels
    // tell every change of readiness, so the others cannot have become ready.
    batch.addAll(candidates);
    for (Key key : batch) {
      // Taken out first: a change told meanwhile puts it back, so none is lost.
      candidates.remove(key);
      if (!key.isValid()) {
        continue;
      }
      int ready = key.virtual.readyOps() & key.interest;
      if (ready != 0) {
        updated += key.select(ready);
        // Readiness is a level: still ready at the next selection unless the app acts on it.
        candidates.add(key);
      }
    }
    batch.clear();
    return updated;
  }

  /**
   * Watches the client's socket for a front connection with a source, while the app wants to read
   * and is less than a window behind. A watch nobody wants is left as it is: {@link
   * SocketWatch#readable} decides what to do if the socket turns readable meanwhile.
   */
  private void follow(Key key) {
    if (key.virtual instanceof FrontConnection connection) {
      boolean startedWatching;
      synchronized (key) {
        startedWatching = key.isValid() && follow(key, connection);
      }
      if (startedWatching) {
        wakeSelecting();
      }
    }
  }

  /**
   * A selection blocked on another thread does not see a JDK key registered or widened since it
   * began: wake it. One that begins later sees the key; the selecting thread itself needs nothing.
   */
  private void wakeSelecting() {
    Thread t = selecting;
    if (t != null && t != Thread.currentThread()) {
      system.wakeup();
    }
  }

  /** Returns true when the socket is now watched for reading where it was not before. */
  private boolean follow(Key key, FrontConnection connection) {
    RequestSource source = connection.source();
    SelectableChannel socket = source == null ? null : source.socket();
    SocketWatch watch = connection.watch(this);
    if (watch != null && !watch.watches(socket)) {
      watch.cancel();
      watch = null;
    }
    if (socket == null || (key.interest & SelectionKey.OP_READ) == 0 || !connection.wantsMore()) {
      return false;
    }
    try {
      if (watch == null) {
        SocketWatch fresh = new SocketWatch(this, connection, key);
        watch = connection.addWatch(this, fresh);
        if (watch == fresh) {
          try {
            // Attached as it is registered: a selection never meets the key without its watch.
            fresh.system = socket.register(system, SelectionKey.OP_READ, fresh);
          } catch (RuntimeException | ClosedChannelException e) {
            connection.clearWatch(fresh);
            throw e;
          }
          return true;
        }
      }
      return watch.wantedBy(key);
    } catch (CancelledKeyException e) {
      // The socket's last key here is cancelled but not yet gone: the next selection does not
      // wait (a wake-up carries over to a selection not yet begun), drops that key, and watches
      // again.
      refollow.add(key);
      system.wakeup();
    } catch (ClosedSelectorException e) {
      // This selector closed: nothing is watched any more.
    } catch (ClosedChannelException e) {
      // The socket closed: the connection ends, and its channel says so through its readiness.
      candidates.add(key);
    }
    return false;
  }

  private boolean anyInMemoryReady() {
    for (Key key : candidates) {
      if (key.isValid() && (key.virtual.readyOps() & key.interest) != 0) {
        return true;
      }
    }
    return false;
  }

  private void dropCancelled() {
    Set<SelectionKey> cancelled = cancelledKeys();
    synchronized (cancelled) {
      for (SelectionKey k : cancelled) {
        drop((Key) k);
      }
      cancelled.clear();
    }
  }

  private void drop(Key key) {
    keys.remove(key);
    selected.remove(key);
    if (key.virtual != null) {
      candidates.remove(key);
      key.virtual.readiness().unwatch(key);
      if (key.virtual instanceof FrontConnection connection) {
        SocketWatch watch = connection.watch(this);
        if (watch != null) {
          watch.dropped(key);
        }
      }
    }
    if (key.system != null) {
      key.system.cancel();
    }
    deregister(key);
    // The JDK releases a closed channel's descriptor when its last key goes; this may be the last.
    SelectableChannel channel = key.channel();
    if (key.target == channel && !channel.isOpen() && !channel.isRegistered()) {
      SystemNio.kill(channel);
    }
  }

  @Override
  protected void implCloseSelector() throws IOException {
    wakeup();
    synchronized (this) {
      dropCancelled();
      for (Key key : keys) {
        drop(key);
      }
      system.close();
    }
  }

  /** This selector's key for an in-memory channel, or for a server channel's JDK channel. */
  private final class Key extends AbstractSelectionKey implements Readiness.Watcher {
    private final SelectableChannel channel;
    private final VirtualChannel virtual;
    private SelectableChannel target;
    // The channel's own registration with the JDK selector: null for an in-memory channel (a front
    // connection's socket is watched by its SocketWatch, not here).
    private volatile SelectionKey system;
    private volatile int interest;
    private volatile int ready;

    Key(SelectableChannel channel, VirtualChannel virtual) {
      this.channel = channel;
      this.virtual = virtual;
    }

    @Override
    public SelectableChannel channel() {
      return channel;
    }

    @Override
    public Selector selector() {
      return MixedSelector.this;
    }

    @Override
    public int interestOps() {
      ensureValid();
      return interest;
    }

    @Override
    public SelectionKey interestOps(int ops) {
      ensureValid();
      if ((ops & ~channel.validOps()) != 0) {
        throw new IllegalArgumentException("invalid interest set");
      }
      interest = ops;
      SelectionKey s = system;
      if (s != null) {
        try {
          s.interestOps(ops);
        } catch (CancelledKeyException e) {
          if (system != null) {
            throw e;
          }
          // It turned in-memory meanwhile (its JDK key cancelled): the interest counts there.
        }
      }
      if (system == null) {
        changed();
      }
      return this;
    }

    /** The in-memory channel's readiness may have changed: look at it at the next selection. */
    @Override
    public void changed() {
      if (!isValid()) {
        return;
      }
      if (system != null) {
        if (!(virtual instanceof AppServerChannel server && server.inMemory())) {
          return;
        }
        // The server channel became the app's port: its readiness is the in-memory backlog's now.
        synchronized (this) {
          SelectionKey s = system;
          system = null;
          if (s != null) {
            s.cancel();
          }
        }
      }
      candidates.add(this);
      // Whether to watch the client's socket follows the interest, the source and the window.
      follow(this);
      if ((virtual.readyOps() & interest) != 0) {
        wakeup();
      }
    }

    @Override
    public int readyOps() {
      ensureValid();
      return ready;
    }

    private void ensureValid() {
      if (!isValid()) {
        throw new CancelledKeyException();
      }
    }

    /** Adds {@code ops} to this key's selection; 1 when that changed anything. */
    int select(int ops) {
      if (selected.add(this)) {
        ready = ops;
        return 1;
      }
      int before = ready;
      ready = before | ops;
      return ready != before ? 1 : 0;
    }
  }

  /**
   * This selector's watch of a front connection's client socket: the socket's key in the JDK
   * selector, kept from one app key for the connection to the next (see the class comment). One
   * watch per selector and connection.
   */
  static final class SocketWatch {
    private final MixedSelector selector;
    private final FrontConnection connection;
    private volatile SelectionKey system;
    // The app's key the socket's readiness goes to (guarded by this).
    private Key owner;
    // Whether the JDK key's interest is OP_READ (guarded by this).
    private boolean reading = true;
    // Pulls in a row that brought the app nothing, and what had arrived at the last (guarded by
    // this).
    private int emptyPulls;
    private long emptyAt = -1;

    private SocketWatch(MixedSelector selector, FrontConnection connection, Key owner) {
      this.selector = selector;
      this.connection = connection;
      this.owner = owner;
    }

    /** Whether this is {@code selector}'s watch. */
    boolean of(MixedSelector selector) {
      return this.selector == selector;
    }

    /** Whether this watches {@code socket}, and is still registered. */
    private boolean watches(SelectableChannel socket) {
      SelectionKey s = system;
      return s != null && s.isValid() && s.channel() == socket;
    }

    /**
     * {@code key} wants the socket's readiness.
     *
     * @return whether the socket is now watched for reading where it was not before
     */
    private synchronized boolean wantedBy(Key key) {
      owner = key;
      emptyPulls = 0;
      if (reading) {
        return false;
      }
      system.interestOps(SelectionKey.OP_READ);
      reading = true;
      return true;
    }

    /**
     * The JDK selector found the socket readable ({@code s}, this watch's key there): 1 when that
     * selected the owner's key anew.
     */
    private int readable(SelectionKey s) {
      synchronized (this) {
        if (!s.isValid()) {
          return 0;
        }
        RequestSource source = connection.source();
        if (source == null || source.socket() != s.channel() || !connection.isOpen()) {
          s.cancel();
          connection.clearWatch(this);
          return 0;
        }
        if (wanted()) {
          emptyPulls = 0;
          return owner.select(SelectionKey.OP_READ);
        }
        if (connection.queuedAtLeast(READ_AHEAD) || !connection.wantsMore()) {
          // The app is behind: the rest waits in the socket until it wants more (a little is
          // read ahead of the app, for a request in several pieces, not a window per connection).
          stopReading(s);
          return 0;
        }
      }
      // No key of the app's wants it now, and the app has read all it was given: the JDK
      // HttpServer cancels its key while it serves a request and registers a new one after the
      // response, and the next request may come in between. The bytes are brought in now, as the
      // app's own read would (not under this monitor: queuing them tells the app's keys, which may
      // follow this watch). Else the socket, level-triggered, would end every selection at once
      // until read, and only a stop would keep it quiet.
      long before = connection.arrivals();
      RequestSource.Pulled pulled = connection.pull();
      boolean empty = connection.arrivals() == before;
      synchronized (this) {
        // In a row: with nothing queued between them (else a pull that made progress came first).
        emptyPulls = !empty ? 0 : before == emptyAt ? emptyPulls + 1 : 1;
        emptyAt = before;
        // Another thread passing the client's bytes queues them itself; and a socket that stays
        // readable while pulls bring nothing (the relay cannot read it now) would end every
        // selection at once: either way, stop until a key wants it.
        if ((pulled == RequestSource.Pulled.BUSY || emptyPulls > 1) && s.isValid() && !wanted()) {
          stopReading(s);
        }
      }
      return 0;
    }

    /** Whether the owner wants the socket's readiness now (under this monitor). */
    private boolean wanted() {
      Key key = owner;
      return key != null
          && key.isValid()
          && (key.interest & SelectionKey.OP_READ) != 0
          && connection.wantsMore();
    }

    /** Stops watching for reading until wanted again (under this monitor). */
    private void stopReading(SelectionKey s) {
      try {
        s.interestOps(0);
        reading = false;
      } catch (CancelledKeyException e) {
        // The socket closed meanwhile: nothing to watch any more.
        connection.clearWatch(this);
      }
      emptyPulls = 0;
    }

    /** The app's key left the selector: the watch stays for the next one. */
    private synchronized void dropped(Key key) {
      if (owner == key) {
        owner = null;
      }
    }

    /** Stops watching: the connection ended, or its source detached or changed. */
    synchronized void cancel() {
      SelectionKey s = system;
      if (s != null) {
        s.cancel();
      }
      connection.clearWatch(this);
    }
  }

  /** The selected-key set as the JDK hands it out: keys may be removed, never added. */
  private static final class Ungrowable extends AbstractSet<SelectionKey> {
    private final Set<SelectionKey> set;

    Ungrowable(Set<SelectionKey> set) {
      this.set = set;
    }

    @Override
    public Iterator<SelectionKey> iterator() {
      return set.iterator();
    }

    @Override
    public int size() {
      return set.size();
    }

    @Override
    public boolean contains(Object o) {
      return set.contains(o);
    }

    @Override
    public boolean remove(Object o) {
      return set.remove(o);
    }

    @Override
    public void clear() {
      set.clear();
    }

    @Override
    public boolean add(SelectionKey key) {
      throw new UnsupportedOperationException("the selected-key set cannot grow");
    }
  }
}
