package dev.mse.enclave.front;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Follows the requests a client sends on a relayed connection, so that every request is judged at
 * its head before any of its bytes reach the app. A head is held until complete; then it is either
 * passed on (with a {@code Forwarded} field added) or the stream stops there and is handed to the
 * runtime's own HTTP handling: for paths the runtime serves, when the app no longer runs, or when
 * the framing is not plain HTTP/1.1 (Jetty then answers the error). Bodies pass through as they
 * come.
 */
final class RequestStream {
  /** Jetty's default request head limit: heads above it are handed over and answered 431 there. */
  static final int MAX_HEAD = 8 * 1024;

  /** Why {@link #feed} stopped. */
  enum Next {
    /** All bytes were taken. */
    MORE,
    /** A request asked to leave HTTP: wait for the app's answer, then {@link #decided}. */
    DECISION,
    /** Hand the rest of the stream, from {@link #held}, to the runtime. */
    HAND_OVER,
    /** The front stops: close once the app answered what it was sent. */
    CLOSE
  }

  private final MessageHead head = new MessageHead(MAX_HEAD);
  private final Predicate<String> relays;
  private final Consumer<Exchange> sent;
  private final byte[] forwarded;
  private final BooleanSupplier closing;
  private MessageBody body;
  private Exchange awaiting;
  private boolean tunnel;
  private Next next = Next.MORE;
  private ByteBuffer held;

  /**
   * @param relays given a request target, whether it goes to the app (may open the app connection)
   * @param sent told of every request passed on, before its bytes are written
   * @param forwarded the {@code Forwarded} header line (with its line end) added to every request
   * @param closing whether the front is stopping
   */
  RequestStream(
      Predicate<String> relays,
      Consumer<Exchange> sent,
      String forwarded,
      BooleanSupplier closing) {
    this.relays = relays;
    this.sent = sent;
    this.forwarded = forwarded.getBytes(StandardCharsets.ISO_8859_1);
    this.closing = closing;
  }

  Next next() {
    return next;
  }

  /** The bytes the runtime takes over: the held head and the rest of the chunk. */
  ByteBuffer held() {
    return held;
  }

  /** The request {@link Next#DECISION} waits on. */
  Exchange awaiting() {
    return awaiting;
  }

  /** The app answered the request that asked to leave HTTP. */
  void decided(boolean leftHttp) {
    tunnel = leftHttp;
    awaiting = null;
    next = Next.MORE;
  }

  /**
   * Takes bytes from {@code b[off, off + len)}, appending what goes to the app to {@code out}.
   *
   * @return how many bytes were taken; {@link #next} says why it stopped short
   * @throws FramingException when a body's chunked framing is broken (the connection must end)
   */
  int feed(byte[] b, int off, int len, ByteArrayOutputStream out) throws FramingException {
    next = Next.MORE;
    int i = off;
    int end = off + len;
    while (i < end) {
      if (tunnel) {
        out.write(b, i, end - i);
        return len;
      }
      if (body != null) {
        int n = body.consume(b, i, end - i);
        out.write(b, i, n);
        i += n;
        if (body.done()) {
          body = null;
          if (awaiting != null) {
            next = Next.DECISION;
            return i - off;
          }
        }
        continue;
      }
      int start = i;
      i += head.consume(b, i, end - i);
      if (head.tooLarge()) {
        return handOver(b, i, end, off);
      }
      if (!head.complete()) {
        continue;
      }
      if (closing.getAsBoolean()) {
        next = Next.CLOSE;
        return start - off;
      }
      if (!passOn(out)) {
        return handOver(b, i, end, off);
      }
      head.reset();
      if (body == null && awaiting != null) {
        next = Next.DECISION;
        return i - off;
      }
    }
    return i - off;
  }

  private int handOver(byte[] b, int from, int end, int off) {
    ByteBuffer rest = ByteBuffer.allocate(head.length() + end - from);
    rest.put(head.bytes(), 0, head.length()).put(b, from, end - from).flip();
    held = rest;
    next = Next.HAND_OVER;
    return end - off;
  }

  /** Judges a complete head; passes it on if it goes to the app. */
  private boolean passOn(ByteArrayOutputStream out) {
    MessageHead.Fields fields;
    try {
      fields = head.fields();
    } catch (FramingException e) {
      return false;
    }
    String start = head.startLine();
    int space = start.indexOf(' ');
    int lastSpace = start.lastIndexOf(' ');
    if (space <= 0
        || lastSpace == space
        || start.indexOf(' ', space + 1) != lastSpace
        || !start.startsWith("HTTP/1.", lastSpace + 1)
        || !relays.test(start.substring(space + 1, lastSpace))) {
      return false;
    }
    Exchange exchange =
        new Exchange(System.nanoTime(), start.substring(0, space), fields.upgrade());
    sent.accept(exchange);
    byte[] bytes = head.bytes();
    int length = head.length();
    int lineEnd = length >= 2 && bytes[length - 2] == '\r' ? 2 : 1;
    out.write(bytes, 0, length - lineEnd);
    out.write(forwarded, 0, forwarded.length);
    out.write(bytes, length - lineEnd, lineEnd);
    MessageBody framing = fields.body(MessageBody::none);
    body = framing.done() ? null : framing;
    awaiting = exchange.asksToLeaveHttp() ? exchange : null;
    return true;
  }

  /**
   * Whether a request target is one the app gets through the relay: origin-form, with a path that
   * needs no normalising. Anything else (the runtime's {@code /.well-known/mse/}, dot segments,
   * percent-encoding, doubled slashes, absolute-form) goes through the runtime's HTTP handling,
   * which decodes it the one way it is routed.
   */
  static boolean plainAppTarget(String target) {
    if (target.isEmpty() || target.charAt(0) != '/') {
      return false;
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '?' || c == '#') {
        return true;
      }
      if (c == '%' || c == '\\' || c <= ' ' || c >= 0x7f) {
        return false;
      }
      if (c == '/' && i + 1 < target.length()) {
        char d = target.charAt(i + 1);
        if (d == '.' || d == '/') {
          return false;
        }
      }
    }
    return true;
  }
}
