package dev.mse.enclave.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Keep-alive streams of well-framed messages, cut anywhere: the relay passes every request to the
 * app exactly as sent, with its {@code Forwarded} line, and finds the end of every response.
 */
class RelayFramingProperties {
  private static final String FORWARDED = "Forwarded: proto=https\r\n";

  /** One message: its head's lines and its body, sent with a length or in chunks. */
  record Message(String startLine, List<String> fields, byte[] body, boolean chunked, int chunk) {
    /** The message on the wire, with {@code extra} (a field line, or "") ending its head. */
    byte[] bytes(String extra) {
      StringBuilder s = new StringBuilder(startLine).append("\r\n");
      fields.forEach(f -> s.append(f).append("\r\n"));
      if (chunked) {
        s.append("Transfer-Encoding: chunked\r\n");
      } else if (body.length > 0 || startLine.startsWith("HTTP/")) {
        s.append("Content-Length: ").append(body.length).append("\r\n");
      }
      s.append(extra).append("\r\n");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(s.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (!chunked) {
        out.writeBytes(body);
        return out.toByteArray();
      }
      for (int off = 0; off < body.length; off += chunk) {
        int n = Math.min(chunk, body.length - off);
        out.writeBytes((Integer.toHexString(n) + ";x=1\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, off, n);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.writeBytes("0\r\nTrailer: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return out.toByteArray();
    }
  }

  private static Arbitrary<List<String>> fields() {
    Arbitrary<String> name =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> value =
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40).map(String::strip);
    return Combinators.combine(name, value).as((n, v) -> "X-" + n + ": " + v).list().ofMaxSize(6);
  }

  private static Arbitrary<Message> messages(Arbitrary<String> startLines) {
    return Combinators.combine(
            startLines,
            fields(),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(3000),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(1, 700))
        .as(Message::new);
  }

  @Provide
  Arbitrary<List<Message>> requests() {
    Arbitrary<String> path = Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(20);
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH");
    Arbitrary<String> lines =
        Combinators.combine(method, path).as((m, p) -> m + " /" + p + " HTTP/1.1");
    return messages(lines).list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<List<Message>> responses() {
    Arbitrary<String> lines =
        Arbitraries.of("HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 500 Oops");
    return messages(lines).list().ofMinSize(1).ofMaxSize(6);
  }

  /** Takes one piece of a stream. */
  private interface Piece {
    void take(byte[] b, int off, int len) throws FramingException;
  }

  /** Hands {@code b} over in pieces of the sizes in {@code cuts}, cycling through them. */
  private static void inPieces(byte[] b, List<Integer> cuts, Piece piece) throws FramingException {
    int off = 0;
    for (int i = 0; off < b.length; i++) {
      int n = Math.min(cuts.get(i % cuts.size()), b.length - off);
      piece.take(b, off, n);
      off += n;
    }
  }

  @Property(tries = 300)
  void requestsReachTheAppAsSentWhateverTheCuts(
      @ForAll("requests") List<Message> requests,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 2000) Integer> cuts)
      throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (Message m : requests) {
      wire.writeBytes(m.bytes(""));
      expected.writeBytes(m.bytes(FORWARDED));
    }
    List<Exchange> sent = new ArrayList<>();
    RequestStream stream =
        new RequestStream(RequestStream::plainAppTarget, sent::add, FORWARDED, () -> false);
    ByteArrayOutputStream app = new ByteArrayOutputStream();
    inPieces(
        wire.toByteArray(),
        cuts,
        (b, off, n) -> {
          assertThat(stream.feed(b, off, n, app)).isEqualTo(n);
          assertThat(stream.next()).isEqualTo(RequestStream.Next.MORE);
        });
    assertThat(app.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(sent).hasSize(requests.size());
  }

  @Property(tries = 300)
  void everyResponseEndIsFoundWhateverTheCuts(
      @ForAll("responses") List<Message> responses,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 2000) Integer> cuts)
      throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    Queue<Exchange> pending = new ArrayDeque<>();
    List<Exchange> asked = new ArrayList<>();
    for (Message m : responses) {
      wire.writeBytes(m.bytes(""));
      Exchange e = new Exchange(0, "GET", false);
      pending.add(e);
      asked.add(e);
    }
    ResponseStream stream = new ResponseStream(pending);
    List<Exchange> answered = new ArrayList<>();
    inPieces(wire.toByteArray(), cuts, (b, off, n) -> stream.scan(b, off, n, answered));
    assertThat(answered).containsExactlyElementsOf(asked);
  }
}
