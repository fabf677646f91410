package dev.mse.enclave.front;

import java.util.HexFormat;

/**
 * Follows one HTTP/1.1 message body through a byte stream, to find where it ends: a fixed length,
 * chunked (sizes, extensions and trailers skipped), or everything until the connection closes. The
 * relay needs only the boundaries; the bytes themselves pass through untouched.
 */
final class MessageBody {
  private static final int MAX_LINE = 4096;

  private enum Phase {
    LENGTH,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    UNTIL_CLOSE,
    DONE
  }

  private Phase phase;
  private long remaining;
  private final StringBuilder line = new StringBuilder();

  private MessageBody(Phase phase, long remaining) {
    this.phase = phase;
    this.remaining = remaining;
  }

  static MessageBody none() {
    return new MessageBody(Phase.DONE, 0);
  }

  static MessageBody length(long length) {
    return length == 0 ? none() : new MessageBody(Phase.LENGTH, length);
  }

  static MessageBody chunked() {
    return new MessageBody(Phase.CHUNK_SIZE, 0);
  }

  static MessageBody untilClose() {
    return new MessageBody(Phase.UNTIL_CLOSE, 0);
  }

  boolean done() {
    return phase == Phase.DONE;
  }

  /**
   * Consumes bytes of this body from {@code b[off, off + len)}.
   *
   * @return how many bytes belong to the body (the rest starts the next message)
   * @throws FramingException when chunked framing is malformed
   */
  int consume(byte[] b, int off, int len) throws FramingException {
    int i = off;
    int end = off + len;
    while (i < end && phase != Phase.DONE) {
      switch (phase) {
        case LENGTH, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            phase = phase == Phase.LENGTH ? Phase.DONE : Phase.CHUNK_END;
          }
        }
        case UNTIL_CLOSE -> i = end;
        case CHUNK_SIZE, CHUNK_END, TRAILERS -> {
          byte c = b[i++];
          if (c != '\n') {
            if (line.length() >= MAX_LINE) {
              throw new FramingException("a chunk line is too long");
            }
            line.append((char) (c & 0xff));
            continue;
          }
          String text = stripCr(line);
          line.setLength(0);
          lineEnded(text);
        }
        case DONE -> throw new IllegalStateException();
      }
    }
    return i - off;
  }

  private void lineEnded(String text) throws FramingException {
    switch (phase) {
      case CHUNK_SIZE -> {
        long size = chunkSize(text);
        if (size < 0) {
          throw new FramingException("bad chunk size");
        }
        remaining = size;
        phase = size == 0 ? Phase.TRAILERS : Phase.CHUNK_DATA;
      }
      case CHUNK_END -> {
        if (!text.isEmpty()) {
          throw new FramingException("a chunk does not end with CRLF");
        }
        phase = Phase.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (text.isEmpty()) {
          phase = Phase.DONE;
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  /**
   * The size at the start of a chunk line: hex digits only (RFC 9112 §7.1: no sign, no leading
   * space, which some readers skip and others refuse: a difference requests are smuggled through),
   * then optional whitespace before any chunk extension; -1 when it is not that.
   */
  private static long chunkSize(String line) {
    int i = 0;
    long size = 0;
    while (i < line.length() && HexFormat.isHexDigit(line.charAt(i))) {
      if (i == 15) {
        return -1;
      }
      size = size * 16 + HexFormat.fromHexDigit(line.charAt(i));
      i++;
    }
    if (i == 0) {
      return -1;
    }
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i == line.length() || line.charAt(i) == ';' ? size : -1;
  }

  private static String stripCr(StringBuilder line) {
    int n = line.length();
    return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
  }
}
