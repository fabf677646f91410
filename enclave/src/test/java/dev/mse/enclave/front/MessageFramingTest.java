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
    // Signs, leading space, junk after the digits, 16 digits: readers differ on these.
    for (String size : new String[] {"+a", "-0", " 1", "1 x", "0x1", "g", "1000000000000000"}) {
      byte[] line = bytes(size + "\r\n");
      assertThatThrownBy(() -> MessageBody.chunked().consume(line, 0, line.length))
          .as(size)
          .isInstanceOf(FramingException.class);
    }
  }

  @Test
  void chunkSizesMayHaveExtensionsAfterWhitespace() throws FramingException {
    byte[] stream = bytes("1A ;name=value\r\n" + "x".repeat(26) + "\r\n0\t\r\n\r\n");
    MessageBody body = MessageBody.chunked();
    assertThat(body.consume(stream, 0, stream.length)).isEqualTo(stream.length);
    assertThat(body.done()).isTrue();
  }

  /** The fields of a head made of {@code lines}. */
  private static MessageHead.Fields fields(String... lines) throws FramingException {
    MessageHead head = new MessageHead(1024);
    byte[] b = bytes(String.join("\r\n", lines) + "\r\n\r\n");
    assertThat(head.consume(b, 0, b.length)).isEqualTo(b.length);
    assertThat(head.complete()).isTrue();
    return head.fields();
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
      MessageHead.Fields fields = h.fields();
      assertThat(h.startLine()).isEqualTo("GET /a HTTP/1.1");
      assertThat(fields.contentLength()).isEqualTo(2);
      assertThat(fields.body(MessageBody::none).done()).isFalse();
    }
  }

  @Test
  void aHeadLongerThanAllowedStopsAtTheLimit() {
    MessageHead h = new MessageHead(64);
    byte[] b = bytes("GET /" + "a".repeat(100) + " HTTP/1.1\r\n\r\n");
    assertThat(h.consume(b, 0, b.length)).isEqualTo(64);
    assertThat(h.tooLarge()).isTrue();
    assertThat(h.complete()).isFalse();
  }

  @Test
  void theFieldsThatFrameABodyAreReadWhateverTheirCase() throws Exception {
    assertThat(fields("POST / HTTP/1.1", "content-LENGTH: \t 12 ").contentLength()).isEqualTo(12);
    assertThat(fields("POST / HTTP/1.1", "Transfer-Encoding: gzip, Chunked").chunked()).isTrue();
    assertThat(fields("POST / HTTP/1.1", "Transfer-Encoding: gzip", "TRANSFER-encoding: chunked"))
        .extracting(MessageHead.Fields::chunked)
        .isEqualTo(true);
    assertThat(fields("GET / HTTP/1.1", "Connection: upgrade", "upgrade: websocket").upgrade())
        .isTrue();
    MessageHead.Fields plain = fields("GET / HTTP/1.1", "X-Content-Length: 3", "Upgraded: no");
    assertThat(plain.contentLength()).isEqualTo(-1);
    assertThat(plain.chunked()).isFalse();
    assertThat(plain.upgrade()).isFalse();
    assertThat(plain.body(MessageBody::untilClose).done()).isFalse();
    assertThat(plain.body(MessageBody::none).done()).isTrue();
  }

  @Test
  void statusCodesAreReadFromTheStatusLine() throws Exception {
    MessageHead h = new MessageHead(1024);
    byte[] ok = bytes("HTTP/1.1 204\r\n\r\n");
    h.consume(ok, 0, ok.length);
    h.fields();
    assertThat(h.status()).isEqualTo(204);
    for (String line :
        new String[] {"HTTP/1.1 2x0 OK", "HTTP/2 200 OK", "HTTP/1.1 099 Low", "HTTP/1.1  200"}) {
      MessageHead bad = new MessageHead(1024);
      byte[] b = bytes(line + "\r\n\r\n");
      bad.consume(b, 0, b.length);
      bad.fields();
      assertThatThrownBy(bad::status).as(line).isInstanceOf(FramingException.class);
    }
  }

  @Test
  void ambiguousFramingIsRefused() {
    String[][] heads = {
      {"POST / HTTP/1.1", "Content-Length: 3", "Transfer-Encoding: chunked"},
      {"POST / HTTP/1.1", "Transfer-Encoding: chunked", "Content-Length: 3"},
      {"POST / HTTP/1.1", "Content-Length: 3", "Content-Length: 4"},
      {"POST / HTTP/1.1", "Transfer-Encoding: chunked, gzip"},
      {"POST / HTTP/1.1", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip"},
      {"POST / HTTP/1.1", "Transfer-Encoding: chunked,"},
      {"POST / HTTP/1.1", "Content-Length: +3"},
      {"POST / HTTP/1.1", "Content-Length: 3 3"},
      {"POST / HTTP/1.1", "Content-Length:"},
      {"POST / HTTP/1.1", "Content-Length : 3"},
      {"POST / HTTP/1.1", "Transfer-Encoding\t: chunked"},
      {"POST / HTTP/1.1", "X: a", " folded"},
      {"POST / HTTP/1.1", ": no name"},
      {"POST / HTTP/1.1", "no colon"},
    };
    for (String[] lines : heads) {
      assertThatThrownBy(() -> fields(lines))
          .as(String.join(" | ", lines))
          .isInstanceOf(FramingException.class);
    }
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
