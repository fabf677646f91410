package dev.mse.cli.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * One direction of an upgraded connection: what arrives on its own end point is written, as it
 * came, to its peer's. Two relays, one on the browser's connection and one on the TLS connection to
 * the app, make the tunnel that carries a WebSocket after both sides switched protocols.
 *
 * <p>Bytes, not frames: the proxy has nothing to decide about the frames (the app's identity was
 * decided by the TLS handshake, and the handshake's 101 by the app), so the browser and the app
 * negotiate subprotocols and extensions end to end and the proxy parses none of it.
 *
 * <p>A relay reads nothing until the browser's side switched (only after the 101 is written to it;
 * nothing may be written there before). Either side closing, failing or idling out closes both; an
 * end of input is passed on as a shutdown of the peer's output, and the two connections close once
 * both directions ended.
 */
final class Relay extends AbstractConnection implements Connection.UpgradeTo {
  private static final int BUFFER_SIZE = 16 * 1024;

  private final ByteBufferPool pool;
  private final boolean startsOnOpen;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Relay peer;
  private volatile ByteBuffer early;

  /**
   * @param startsOnOpen whether this relay starts both directions once its connection switched to
   *     it (the browser's side, which switches last)
   */
  Relay(EndPoint endPoint, Executor executor, ByteBufferPool pool, boolean startsOnOpen) {
    super(endPoint, executor);
    this.pool = pool;
    this.startsOnOpen = startsOnOpen;
  }

  /** Makes {@code a} and {@code b} each other's peer. */
  static void pair(Relay a, Relay b) {
    a.peer = b;
    b.peer = a;
  }

  /** Bytes the connection this relay replaces had read past the 101 (or past the request). */
  @Override
  public void onUpgradeTo(ByteBuffer buffer) {
    if (BufferUtil.hasContent(buffer)) {
      early = BufferUtil.copy(buffer);
    }
  }

  @Override
  public void onOpen() {
    super.onOpen();
    if (startsOnOpen) {
      // Both directions, each once: the bytes read early first, then whatever comes.
      start();
      peer.start();
    }
  }

  private void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    ByteBuffer first = early;
    early = null;
    if (first == null) {
      fillInterested();
      return;
    }
    peer.getEndPoint().write(Callback.from(this::fillInterested, this::fail), first);
  }

  @Override
  public void onFillable() {
    RetainableByteBuffer buffer = pool.acquire(BUFFER_SIZE, false);
    ByteBuffer bytes = buffer.getByteBuffer();
    BufferUtil.clear(bytes);
    int filled;
    try {
      filled = getEndPoint().fill(bytes);
    } catch (IOException e) {
      buffer.release();
      fail(e);
      return;
    }
    if (filled > 0) {
      peer.getEndPoint()
          .write(
              Callback.from(
                  () -> {
                    buffer.release();
                    fillInterested();
                  },
                  x -> {
                    buffer.release();
                    fail(x);
                  }),
              bytes);
      return;
    }
    buffer.release();
    if (filled == 0) {
      fillInterested();
      return;
    }
    // This side ended: pass it on; once the other direction ended too, both close.
    peer.getEndPoint().shutdownOutput();
    if (getEndPoint().isOutputShutdown()) {
      closeBoth();
    }
  }

  @Override
  public void onFillInterestedFailed(Throwable cause) {
    fail(cause);
  }

  @Override
  public boolean onIdleExpired(java.util.concurrent.TimeoutException timeout) {
    closeBoth();
    return true;
  }

  @Override
  public void onClose(Throwable cause) {
    super.onClose(cause);
    Relay p = peer;
    if (p != null) {
      p.getEndPoint().close(cause);
    }
  }

  private void fail(Throwable cause) {
    getEndPoint().close(cause);
    Relay p = peer;
    if (p != null) {
      p.getEndPoint().close(cause);
    }
  }

  private void closeBoth() {
    getEndPoint().close();
    Relay p = peer;
    if (p != null) {
      p.getEndPoint().close();
    }
  }
}
