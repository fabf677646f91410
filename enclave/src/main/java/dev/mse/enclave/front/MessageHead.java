package dev.mse.enclave.front;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Collects the head of one HTTP/1.1 message (start line and header fields, up to the empty line)
 * from a byte stream that may cut it anywhere, and reads the few fields the relay needs to find the
 * message's end. It reads them from the bytes as they are, with one string for the start line: this
 * runs for every request and response a relayed connection carries.
 */
final class MessageHead {
  private final int max;
  private byte[] bytes = new byte[512];
  private int length;
  private int lineStart;
  private boolean complete;
  private boolean tooLarge;
  // Where the start line lies in bytes, as the last fields() found it.
  private int startFrom;
  private int startEnd;

  /** What the relay reads of a complete head. */
  record Fields(long contentLength, boolean chunked, boolean upgrade) {
    /**
     * How the body that follows is framed: chunked, of a length, or {@code otherwise} when neither
     * field is present.
     */
    MessageBody body(Supplier<MessageBody> otherwise) {
      if (chunked) {
        return MessageBody.chunked();
      }
      return contentLength >= 0 ? MessageBody.length(contentLength) : otherwise.get();
    }
  }

  MessageHead(int max) {
    this.max = max;
  }

  /**
   * Takes bytes up to the end of the head, or until the head is longer than allowed.
   *
   * @return how many bytes of {@code b[off, off + len)} were taken
   */
  int consume(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && !complete) {
      int newline = i;
      while (newline < end && b[newline] != '\n') {
        newline++;
      }
      int stop = newline < end ? newline + 1 : end;
      int n = stop - i;
      if (length + n > max) {
        n = max - length;
        tooLarge = true;
      }
      if (length + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(max, Math.max(length + n, length * 2)));
      }
      System.arraycopy(b, i, bytes, length, n);
      length += n;
      i += n;
      if (tooLarge) {
        break;
      }
      if (newline < end) {
        lineEnded();
      }
    }
    return i - off;
  }

  private void lineEnded() {
    int lineLength = length - 1 - lineStart;
    boolean empty = lineLength == 0 || (lineLength == 1 && bytes[length - 2] == '\r');
    if (empty && lineStart > 0) {
      complete = true;
    } else if (empty) {
      // Stray line ends before a start line are tolerated, as RFC 9112 §2.2 allows.
      length = 0;
    }
    lineStart = length;
  }

  boolean complete() {
    return complete;
  }

  boolean tooLarge() {
    return tooLarge;
  }

  byte[] bytes() {
    return bytes;
  }

  int length() {
    return length;
  }

  void reset() {
    length = 0;
    lineStart = 0;
    complete = false;
    tooLarge = false;
  }

  /**
   * Reads the start line and the fields that frame the body (Content-Length, Transfer-Encoding) or
   * ask to leave HTTP (Upgrade).
   *
   * @throws FramingException when the head is malformed, or its framing fields are ambiguous: both
   *     fields are how requests are smuggled past proxies, so the relay refuses to guess
   */
  Fields fields() throws FramingException {
    boolean started = false;
    long contentLength = -1;
    int codingStart = -1;
    int codingEnd = -1;
    boolean upgrade = false;
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
      int from = start;
      start = i + 1;
      if (end == from) {
        continue;
      }
      if (!started) {
        started = true;
        startFrom = from;
        startEnd = end;
        continue;
      }
      if (bytes[from] == ' ' || bytes[from] == '\t') {
        throw new FramingException("folded header lines are not accepted");
      }
      int colon = indexOf(':', from, end);
      if (colon <= from) {
        throw new FramingException("a header line has no name");
      }
      if (bytes[colon - 1] == ' ' || bytes[colon - 1] == '\t') {
        // RFC 9112 §5.1: a server must refuse these; readers differ on what the name is.
        throw new FramingException("whitespace between a header field's name and colon");
      }
      if (nameIs(from, colon, "content-length")) {
        long value = contentLength(trimStart(colon + 1, end), trimEnd(colon + 1, end));
        if (contentLength >= 0 && contentLength != value) {
          throw new FramingException("conflicting Content-Length fields");
        }
        contentLength = value;
      } else if (nameIs(from, colon, "transfer-encoding")) {
        // Several fields make one list: what counts is the coding that comes last.
        int comma = lastIndexOf(',', colon + 1, end);
        codingStart = trimStart(comma < 0 ? colon + 1 : comma + 1, end);
        codingEnd = trimEnd(codingStart, end);
      } else if (nameIs(from, colon, "upgrade")) {
        upgrade = true;
      }
    }
    if (!started) {
      throw new FramingException("an empty message head");
    }
    boolean chunked = false;
    if (codingStart >= 0) {
      if (contentLength >= 0) {
        throw new FramingException("both Content-Length and Transfer-Encoding");
      }
      if (!nameIs(codingStart, codingEnd, "chunked")) {
        throw new FramingException("a transfer coding other than chunked comes last");
      }
      chunked = true;
    }
    return new Fields(contentLength, chunked, upgrade);
  }

  /** The start line that {@link #fields} found. */
  String startLine() {
    return new String(bytes, startFrom, startEnd - startFrom, StandardCharsets.ISO_8859_1);
  }

  /**
   * The status code of the response whose start line {@link #fields} found.
   *
   * @throws FramingException when it is not an HTTP/1.x status line
   */
  int status() throws FramingException {
    if (startEnd - startFrom < 12
        || !startsWith(startFrom, "HTTP/1.")
        || bytes[startFrom + 8] != ' ') {
      throw new FramingException("not an HTTP/1.1 status line");
    }
    int status = 0;
    for (int i = startFrom + 9; i < startFrom + 12; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9) {
        throw new FramingException("bad status code");
      }
      status = status * 10 + digit;
    }
    if (status < 100) {
      throw new FramingException("bad status code");
    }
    return status;
  }

  private boolean startsWith(int from, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[from + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int indexOf(char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private int lastIndexOf(char c, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (bytes[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Skips optional whitespace (RFC 9110 §5.6.3: spaces and tabs). */
  private int trimStart(int from, int to) {
    while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) {
      from++;
    }
    return from;
  }

  private int trimEnd(int from, int to) {
    while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) {
      to--;
    }
    return to;
  }

  /** Whether {@code bytes[from, to)} is {@code name} (lower case ASCII), ignoring case. */
  private boolean nameIs(int from, int to, String name) {
    if (to - from != name.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      int c = bytes[from + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private long contentLength(int from, int to) throws FramingException {
    if (from == to || to - from > 18) {
      throw new FramingException("bad Content-Length");
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9) {
        throw new FramingException("bad Content-Length");
      }
      value = value * 10 + digit;
    }
    return value;
  }
}
