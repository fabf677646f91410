package dev.mse.enclave.front;

import dev.mse.enclave.appnet.ByteBuffers;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.BufferUtil;

/**
 * A relayed client's TLS 1.3 connection, read and written straight on its socket with its {@link
 * SSLEngine} once Jetty's {@link QuietSslConnection} holds nothing: the records are the same, only
 * Jetty's buffering, locking and callbacks around the engine are skipped on the relay's hot path
 * (the largest share of the front's cost in profiles; docs/benchmarks.md). Jetty keeps the accept,
 * the handshake, ALPN, HTTP/2, the idle timeout and the close; {@link #release} gives the
 * connection back to it when the relay hands over to the runtime's routes.
 *
 * <p>TLS 1.2 connections stay with Jetty: its renegotiation rules apply to them. In TLS 1.3 a key
 * update the client asks for is answered by the next write, before any application data, as RFC
 * 8446 §4.6.3 requires.
 *
 * <p>One reader at a time (the relay's lock); writes are serialized here.
 */
final class DirectTls implements AutoCloseable {
  /** How long a hand-over waits for the rest of a record the client started. */
  private static final long RELEASE_WAIT_NANOS = 10_000_000_000L;

  private static final int RECORD_HEADER = 5;

  private final QuietSslConnection jetty;
  private final SSLEngine engine;
  private final SocketChannel socket;
  private final SocketChannelEndPoint net;
  private final SocketWait readable;
  private final SocketWait writable;
  // Both in flush mode: [position, limit) is what is not yet unwrapped, or not yet written.
  private final ByteBuffer netIn;
  private final ByteBuffer netOut;
  // Bytes written to the socket so far (under writing): whether a slow write still moves.
  private long written;
  private final ReentrantLock writing = new ReentrantLock();
  private volatile boolean writesDirect;
  private boolean lastReadShort;

  private DirectTls(QuietSslConnection jetty, SocketChannelEndPoint net, SocketWait readable) {
    this.jetty = jetty;
    this.engine = jetty.getSSLEngine();
    this.net = net;
    this.socket = net.getChannel();
    this.readable = readable;
    this.writable = new SocketWait(socket, SelectionKey.OP_WRITE);
    int packet = engine.getSession().getPacketBufferSize();
    this.netIn = BufferUtil.allocate(packet);
    this.netOut = BufferUtil.allocate(packet);
  }

  /**
   * Whether the connection under {@code endPoint} may ever be taken over: TLS 1.3 over a socket,
   * past its handshake.
   */
  static boolean possible(EndPoint endPoint) {
    return endPoint instanceof SslConnection.SslEndPoint ssl
        && ssl.getSslConnection() instanceof QuietSslConnection jetty
        && jetty.getEndPoint() instanceof SocketChannelEndPoint
        && "TLSv1.3".equals(jetty.getSSLEngine().getSession().getProtocol())
        && jetty.getSSLEngine().getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
  }

  /**
   * Takes a {@link #possible} connection from Jetty if Jetty holds no encrypted input now. Call
   * only right after Jetty's fill returned nothing, with no other reader.
   *
   * @param readable how readers of this socket wait
   */
  static Optional<DirectTls> takeOver(EndPoint endPoint, SocketWait readable) {
    QuietSslConnection jetty =
        (QuietSslConnection) ((SslConnection.SslEndPoint) endPoint).getSslConnection();
    return jetty.inputQuiet()
        ? Optional.of(new DirectTls(jetty, (SocketChannelEndPoint) jetty.getEndPoint(), readable))
        : Optional.empty();
  }

  /**
   * Decrypts what the client sent, without waiting.
   *
   * @param dst in Jetty's flush mode, with room for a whole record; bytes are appended
   * @return bytes appended, 0 when nothing whole arrived yet, -1 at the end of the client's stream
   */
  int fill(ByteBuffer dst) throws IOException {
    return fill(dst, false);
  }

  /**
   * {@link #fill(ByteBuffer)}, reading from the socket, when {@code startedRecordOnly}, no more
   * than the rest of the record whose start {@link #netIn} holds: what follows stays in the socket.
   */
  private int fill(ByteBuffer dst, boolean startedRecordOnly) throws IOException {
    int pos = BufferUtil.flipToFill(dst);
    try {
      while (true) {
        if (netIn.hasRemaining()) {
          SSLEngineResult r = engine.unwrap(netIn, dst);
          runTasks(r);
          switch (r.getStatus()) {
            case OK -> {
              if (r.bytesProduced() > 0) {
                net.notIdle();
                return r.bytesProduced();
              }
              if (r.bytesConsumed() > 0) {
                continue; // a post-handshake message (a ticket, a key update): read on
              }
            }
            case BUFFER_UNDERFLOW -> {}
            case CLOSED -> {
              return -1;
            }
            case BUFFER_OVERFLOW ->
                throw new IOException("a TLS record larger than the relay's buffer");
          }
        }
        int wanted = startedRecordOnly ? restOfStartedRecord() : Integer.MAX_VALUE;
        netIn.compact();
        int space = netIn.remaining();
        int limit = netIn.limit();
        netIn.limit(netIn.position() + Math.min(space, wanted));
        int n;
        try {
          n = socket.read(netIn);
        } finally {
          netIn.limit(limit);
          netIn.flip();
        }
        lastReadShort = n < space;
        if (n <= 0) {
          return n;
        }
      }
    } finally {
      BufferUtil.flipToFlush(dst, pos);
    }
  }

  /**
   * Whether everything the socket had was read and decrypted: the last read took less than it could
   * and no byte is left to decrypt. Another read now would most likely find nothing (a system call
   * for nothing); the socket's readiness tells when more comes.
   */
  boolean drained() {
    return lastReadShort && !netIn.hasRemaining();
  }

  /** As {@link #fill}, waiting for at least one byte. */
  int read(ByteBuffer dst) throws IOException {
    while (true) {
      int n = fill(dst);
      if (n != 0) {
        return n;
      }
      readable.await();
    }
  }

  /**
   * Whether writes go here: once Jetty has written everything it encrypted (a response to the first
   * request may still be on its way through Jetty when reading is taken over).
   */
  boolean writesDirect() {
    if (!writesDirect && jetty.outputQuiet()) {
      writesDirect = true;
    }
    return writesDirect;
  }

  /**
   * Encrypts and sends {@code buffers[offset, offset + length)}, all of them.
   *
   * @return null when the socket took everything now; else a virtual thread sends the rest (copied,
   *     so the caller may reuse its buffers) and completes the returned future once it did
   */
  CompletableFuture<Void> write(ByteBuffer[] buffers, int offset, int length) throws IOException {
    ByteBuffer rest;
    writing.lock();
    try {
      if (send(buffers, offset, length)) {
        net.notIdle();
        return null;
      }
      rest = ByteBuffers.gather(buffers, offset, length);
    } finally {
      writing.unlock();
    }
    CompletableFuture<Void> sent = new CompletableFuture<>();
    Thread.ofVirtual().name("mse-tls-send").start(() -> sendRest(rest, sent));
    return sent;
  }

  private void sendRest(ByteBuffer rest, CompletableFuture<Void> sent) {
    ByteBuffer[] buffers = {rest};
    try {
      while (true) {
        boolean all;
        boolean moved;
        writing.lock();
        try {
          long before = written;
          all = send(buffers, 0, 1);
          moved = written != before;
        } finally {
          writing.unlock();
        }
        if (all || moved) {
          // Bytes moving count as activity, as they do when Jetty writes: a slow reader of a long
          // response is not idle.
          net.notIdle();
        }
        if (all) {
          break;
        }
        writable.await();
      }
      sent.complete(null);
    } catch (IOException | RuntimeException e) {
      sent.completeExceptionally(e);
    }
  }

  /** Wraps and writes until everything is out (true) or the socket takes no more (false). */
  private boolean send(ByteBuffer[] buffers, int offset, int length) throws IOException {
    while (true) {
      if (netOut.hasRemaining()) {
        written += socket.write(netOut);
        if (netOut.hasRemaining()) {
          return false;
        }
      }
      if (!anyRemaining(buffers, offset, length)
          && engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
        return true;
      }
      netOut.clear();
      SSLEngineResult r;
      try {
        r = engine.wrap(buffers, offset, length, netOut);
      } finally {
        netOut.flip();
      }
      runTasks(r);
      switch (r.getStatus()) {
        case OK -> {
          if (r.bytesProduced() == 0 && r.bytesConsumed() == 0) {
            throw new IOException("TLS made no progress wrapping: " + r);
          }
        }
        case CLOSED -> throw new SocketException("the TLS connection is closed");
        case BUFFER_OVERFLOW, BUFFER_UNDERFLOW ->
            throw new IOException("unexpected TLS wrap result " + r.getStatus());
      }
    }
  }

  private static boolean anyRemaining(ByteBuffer[] buffers, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (buffers[i].hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  private void runTasks(SSLEngineResult r) {
    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
      Runnable task;
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
    }
  }

  /**
   * How many bytes the record that starts {@link #netIn} (in flush mode) still lacks: its header's
   * first, then its body.
   */
  private int restOfStartedRecord() {
    int have = netIn.remaining();
    if (have < RECORD_HEADER) {
      return RECORD_HEADER - have;
    }
    int p = netIn.position();
    int length = ((netIn.get(p + 3) & 0xff) << 8) | (netIn.get(p + 4) & 0xff);
    return Math.max(0, RECORD_HEADER + length - have);
  }

  /**
   * Gives the connection back to Jetty, which reads on from the socket: decrypts what the client
   * sent beyond the last request and the relay already read, waiting (briefly) for the rest of a
   * record it started and reading no further, so that no encrypted byte stays behind here and
   * whatever the client sends next is Jetty's to read. Call with no write in flight.
   *
   * @return the decrypted bytes, in flush mode, to be read before Jetty's
   */
  ByteBuffer release() throws IOException {
    ByteBuffer plain = BufferUtil.allocate(engine.getSession().getApplicationBufferSize());
    long deadline = System.nanoTime() + RELEASE_WAIT_NANOS;
    while (netIn.hasRemaining()) {
      if (BufferUtil.space(plain) < engine.getSession().getApplicationBufferSize()) {
        // At most what the relay's buffer held, and one record: no client can make this grow on.
        ByteBuffer bigger = BufferUtil.allocate(plain.capacity() * 2);
        BufferUtil.append(bigger, plain);
        plain = bigger;
      }
      int n = fill(plain, true);
      if (n < 0) {
        break;
      }
      if (n == 0 && netIn.hasRemaining()) {
        if (System.nanoTime() > deadline) {
          throw new IOException("the client left a TLS record unfinished");
        }
        readable.await();
      }
    }
    close();
    return plain;
  }

  @Override
  public void close() {
    writable.close();
  }
}
