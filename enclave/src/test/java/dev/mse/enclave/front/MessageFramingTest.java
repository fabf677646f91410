package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where the relay's framing says messages end, however the stream is cut. */
class MessageFramingTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Feeds {@code b} in pieces of {@code step} bytes; returns how many the body took. */
  private static int consume(MessageBody body, byte[] b, int step) throws FramingException {
    int taken = 0;
    for (int off = 0; off < b.length && !body.done(); off += step) {
      int len = Math.min(step, b.length - off);
      int n = body.consume(b, off, len);
      taken += n;
      if (n < len) {
        break;
      }
    }
    return taken;
  }

  @Test
  void aChunkedBodyEndsAfterItsTrailersWhateverTheCuts() throws Exception {
    String body = "5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n";
    byte[] stream = bytes(body + "GET /next HTTP/1.1\r\n\r\n");
    for (int step = 1; step <= stream.length; step++) {
      MessageBody chunked = MessageBody.chunked();
      assertThat(consume(chunked, stream, step)).as("step %d", step).isEqualTo(body.length());
      assertThat(chunked.done()).isTrue();
    }
  }

  @Test
  void aLengthBodyTakesExactlyItsLength() throws Exception {
    MessageBody body = MessageBody.length(3);
    assertThat(body.consume(bytes("abcdef"), 0, 6)).isEqualTo(3);
    assertThat(body.done()).isTrue();
  }

  @Test
  void badChunkSizesAreRefused() {
    assertThatThrownBy(() -> MessageBody.chunked().consume(bytes("zz\r\n"), 0, 4))
        .isInstanceOf(FramingException.class);
    assertThatThrownBy(() -> MessageBody.chunked().consume(bytes("1\r\nab\r\n"), 0, 7))
        .isInstanceOf(FramingException.class);
  }

  @Test
  void aHeadEndsAtItsEmptyLineWhateverTheCuts() throws Exception {
    String head = "\r\nGET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n";
    byte[] stream = bytes(head + "ok");
    for (int step = 1; step <= stream.length; step++) {
      MessageHead h = new MessageHead(1024);
      int taken = 0;
      for (int off = 0; off < stream.length && !h.complete(); off += step) {
        taken += h.consume(stream, off, Math.min(step, stream.length - off));
      }
      assertThat(taken).as("step %d", step).isEqualTo(head.length());
      String[] lines = h.lines();
      assertThat(lines[0]).isEqualTo("GET /a HTTP/1.1");
      assertThat(MessageHead.body(lines, MessageBody.none()).done()).isFalse();
    }
  }

  @Test
  void ambiguousFramingIsRefused() throws Exception {
    String[] both = {"POST / HTTP/1.1", "Content-Length: 3", "Transfer-Encoding: chunked"};
    String[] twoLengths = {"POST / HTTP/1.1", "Content-Length: 3", "Content-Length: 4"};
    String[] gzipLast = {"POST / HTTP/1.1", "Transfer-Encoding: chunked, gzip"};
    String[] signed = {"POST / HTTP/1.1", "Content-Length: +3"};
    for (String[] lines : new String[][] {both, twoLengths, gzipLast, signed}) {
      assertThatThrownBy(() -> MessageHead.body(lines, MessageBody.none()))
          .isInstanceOf(FramingException.class);
    }
    MessageHead folded = new MessageHead(1024);
    byte[] b = bytes("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n");
    folded.consume(b, 0, b.length);
    assertThatThrownBy(folded::lines).isInstanceOf(FramingException.class);
  }

  @Test
  void onlyPlainOriginFormPathsAreRelayed() {
    assertThat(RequestStream.plainAppTarget("/hello?x=%2F..")).isTrue();
    assertThat(RequestStream.plainAppTarget("/")).isTrue();
    for (String t :
        new String[] {
          "/.well-known/mse/status",
          "/a/../.well-known/mse/status",
          "/%2Ewell-known/mse/status",
          "//.well-known/mse/status",
          "/a\\b",
          "https://host/.well-known/mse/status",
          "*",
          "host:443",
          ""
        }) {
      assertThat(RequestStream.plainAppTarget(t)).as(t).isFalse();
    }
  }
}
