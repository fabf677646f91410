package dev.mse.enclave.front;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.testing.PropertyCases;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keep-alive streams of well-framed messages, cut anywhere: the relay passes every request to the
 * app exactly as sent, with its {@code Forwarded} line, and finds the end of every response.
 */
class RelayFramingProperties {
  private static final String FORWARDED = "Forwarded: proto=https\r\n";

  /** One message: its head's lines and its body, sent with a length or in chunks. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared as a record
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

  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

  private static final List<String> STATUS_LINES =
      List.of("HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 500 Oops");

  /** Up to 6 fields {@code X-<a-z>{1,12}: <printable ASCII>{0,40}}, the value stripped. */
  private static List<String> fields(SplittableRandom random) {
    List<String> fields = new ArrayList<>();
    for (int n = random.nextInt(0, 7); n > 0; n--) {
      String name = text(random, 1 + PropertyCases.size(random, 11), 'a', 'z');
      String value = text(random, PropertyCases.size(random, 40), ' ', '~').strip();
      fields.add("X-" + name + ": " + value);
    }
    return fields;
  }

  private static String text(SplittableRandom random, int length, char from, char to) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append((char) random.nextInt(from, to + 1));
    }
    return s.toString();
  }

  private static Message message(SplittableRandom random, String startLine) {
    return new Message(
        startLine,
        fields(random),
        PropertyCases.bytes(random, 3000),
        random.nextBoolean(),
        random.nextInt(1, 701));
  }

  /** 1 to 6 messages, their start lines from {@code startLines}. */
  private static List<Message> messages(
      SplittableRandom random, Function<SplittableRandom, String> startLines) {
    List<Message> messages = new ArrayList<>();
    for (int n = random.nextInt(1, 7); n > 0; n--) {
      messages.add(message(random, startLines.apply(random)));
    }
    return messages;
  }

  private static String requestLine(SplittableRandom random) {
    String method = METHODS.get(random.nextInt(METHODS.size()));
    return method + " /" + text(random, PropertyCases.size(random, 20), 'a', 'z') + " HTTP/1.1";
  }

  /** Messages on one connection, and the sizes of the pieces they reach the relay in. */
  record Traffic(List<Message> messages, List<Integer> cuts) {}

  private static List<Integer> cuts(SplittableRandom random) {
    List<Integer> cuts = new ArrayList<>();
    for (int n = random.nextInt(1, 9); n > 0; n--) {
      cuts.add(random.nextInt(1, 2001));
    }
    return cuts;
  }

  /**
   * The edge cases of the traffic: one bare message, one longest message in chunks of one byte or
   * in one chunk, six messages; each fed a byte at a time, in the largest pieces, and in eight
   * pieces of alternating sizes.
   */
  private static List<Named<Traffic>> edges(List<String> startLines) {
    byte[] longest = new byte[3000];
    Arrays.fill(longest, (byte) 'b');
    List<String> maxFields = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      maxFields.add("X-" + "abcdefghijkl".substring(0, 12 - i) + ": " + "~".repeat(40 - i));
    }
    List<Message> six = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(
          new Message(startLines.get(i % startLines.size()), maxFields, longest, i % 2 == 0, 700));
    }
    List<Named<List<Message>>> streams =
        List.of(
            Named.of(
                "one bare message",
                List.of(new Message(startLines.getFirst(), List.of(), new byte[0], false, 1))),
            Named.of(
                "one empty chunked message",
                List.of(new Message(startLines.getLast(), List.of(), new byte[0], true, 1))),
            Named.of(
                "3000 bytes in 1-byte chunks",
                List.of(new Message(startLines.getFirst(), maxFields, longest, true, 1))),
            Named.of(
                "3000 bytes in one chunk",
                List.of(new Message(startLines.getLast(), maxFields, longest, true, 700))),
            Named.of("six longest messages", six));
    List<Named<List<Integer>>> cuts =
        List.of(
            Named.of("a byte at a time", List.of(1)),
            Named.of("2000-byte pieces", List.of(2000)),
            Named.of("pieces of 1, 2000, 2, 1999...", List.of(1, 2000, 2, 1999, 1, 2000, 2, 1999)));
    List<Named<Traffic>> edges = new ArrayList<>();
    for (Named<List<Message>> messages : streams) {
      for (Named<List<Integer>> cut : cuts) {
        edges.add(
            edge(
                messages.getName() + ", " + cut.getName(),
                new Traffic(messages.getPayload(), cut.getPayload())));
      }
    }
    return edges;
  }

  static Stream<Named<Traffic>> requests() {
    List<String> lines = METHODS.stream().map(m -> m + " / HTTP/1.1").toList();
    return PropertyCases.of(
        0x6e3c_a1f9_0d54_b782L,
        300,
        edges(lines),
        random -> new Traffic(messages(random, RelayFramingProperties::requestLine), cuts(random)));
  }

  static Stream<Named<Traffic>> responses() {
    return PropertyCases.of(
        0xb4f1_2d87_e96c_053aL,
        300,
        edges(STATUS_LINES),
        random ->
            new Traffic(
                messages(random, r -> STATUS_LINES.get(r.nextInt(STATUS_LINES.size()))),
                cuts(random)));
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

  @ParameterizedTest
  @MethodSource("requests")
  void requestsReachTheAppAsSentWhateverTheCuts(Traffic traffic) throws Exception {
    List<Message> requests = traffic.messages();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (Message m : requests) {
      wire.writeBytes(m.bytes(""));
      expected.writeBytes(m.bytes(FORWARDED));
    }
    List<Exchange> sent = new ArrayList<>();
    RequestStream relay =
        new RequestStream(RequestStream::plainAppTarget, sent::add, FORWARDED, () -> false);
    ByteArrayOutputStream app = new ByteArrayOutputStream();
    inPieces(
        wire.toByteArray(),
        traffic.cuts(),
        (b, off, n) -> {
          assertThat(relay.feed(b, off, n, app)).isEqualTo(n);
          assertThat(relay.next()).isEqualTo(RequestStream.Next.MORE);
        });
    assertThat(app.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(sent).hasSize(requests.size());
  }

  @ParameterizedTest
  @MethodSource("responses")
  void everyResponseEndIsFoundWhateverTheCuts(Traffic traffic) throws Exception {
    List<Message> responses = traffic.messages();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    Queue<Exchange> pending = new ArrayDeque<>();
    List<Exchange> asked = new ArrayList<>();
    for (Message m : responses) {
      wire.writeBytes(m.bytes(""));
      Exchange e = new Exchange(0, "GET", false);
      pending.add(e);
      asked.add(e);
    }
    ResponseStream relay = new ResponseStream(pending);
    List<Exchange> answered = new ArrayList<>();
    inPieces(wire.toByteArray(), traffic.cuts(), (b, off, n) -> relay.scan(b, off, n, answered));
    assertThat(answered).containsExactlyElementsOf(asked);
  }
}
