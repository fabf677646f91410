package dev.mse.enclave.front;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the head of one HTTP/1.1 message (start line and header fields, up to the empty line)
 * from a byte stream that may cut it anywhere, and reads the few fields the relay needs to find the
 * message's end.
 */
final class MessageHead {
  private final int max;
  private byte[] bytes = new byte[512];
  private int length;
  private int lineStart;
  private boolean complete;
  private boolean tooLarge;

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
      if (length == bytes.length) {
        if (length >= max) {
          tooLarge = true;
          break;
        }
        bytes = Arrays.copyOf(bytes, Math.min(max, length * 2));
      }
      byte c = b[i++];
      bytes[length++] = c;
      if (c == '\n') {
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
    }
    return i - off;
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

  /** The start line and the header lines, line ends stripped. */
  String[] lines() throws FramingException {
    List<String> lines = new ArrayList<>(16);
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
      if (end > start) {
        if (!lines.isEmpty() && (bytes[start] == ' ' || bytes[start] == '\t')) {
          throw new FramingException("folded header lines are not accepted");
        }
        lines.add(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
      }
      start = i + 1;
    }
    if (lines.isEmpty()) {
      throw new FramingException("an empty message head");
    }
    return lines.toArray(String[]::new);
  }

  /**
   * How the body that follows this head is framed, from Content-Length and Transfer-Encoding.
   *
   * @param lines the head's lines
   * @param otherwise the framing when neither field is present
   * @throws FramingException when the fields are malformed or contradict each other
   */
  static MessageBody body(String[] lines, MessageBody otherwise) throws FramingException {
    long contentLength = -1;
    String transferEncoding = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0) {
        if (line.isEmpty()) {
          continue;
        }
        throw new FramingException("a header line has no name");
      }
      String name = line.substring(0, colon);
      if (name.equalsIgnoreCase("content-length")) {
        long value = contentLength(line.substring(colon + 1).strip());
        if (contentLength >= 0 && contentLength != value) {
          throw new FramingException("conflicting Content-Length fields");
        }
        contentLength = value;
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        String value = line.substring(colon + 1).strip();
        transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
      }
    }
    if (transferEncoding != null) {
      // Both fields are how requests are smuggled past proxies; the relay refuses to guess.
      if (contentLength >= 0) {
        throw new FramingException("both Content-Length and Transfer-Encoding");
      }
      String last = transferEncoding.substring(transferEncoding.lastIndexOf(',') + 1).strip();
      if (!last.equalsIgnoreCase("chunked")) {
        throw new FramingException("a transfer coding other than chunked comes last");
      }
      return MessageBody.chunked();
    }
    return contentLength >= 0 ? MessageBody.length(contentLength) : otherwise;
  }

  /** Whether a header field with this name is present. */
  static boolean has(String[] lines, String name) {
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.length() > name.length()
          && line.charAt(name.length()) == ':'
          && line.regionMatches(true, 0, name, 0, name.length())) {
        return true;
      }
    }
    return false;
  }

  private static long contentLength(String value) throws FramingException {
    if (value.isEmpty() || value.length() > 18) {
      throw new FramingException("bad Content-Length");
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        throw new FramingException("bad Content-Length");
      }
    }
    return Long.parseLong(value);
  }
}
