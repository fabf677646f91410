package dev.mse.attestation.quote;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.testing.PropertyCases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser's contract on hostile input: it returns a quote or throws {@link
 * QuoteFormatException}, never anything else. Random bytes rarely get past the version field, so
 * most properties start from the real quotes and damage them.
 */
class QuoteParserPropertyTest {
  private static final List<DcapVector> QUOTES = DcapVector.distinctQuotes();

  /** The first and the last real quote: the edge cases of a choice among them. */
  private static final List<DcapVector> END_QUOTES = List.of(QUOTES.getFirst(), QUOTES.getLast());

  private static final int TRIES = 1000;

  private static DcapVector anyQuote(SplittableRandom random) {
    return QUOTES.get(random.nextInt(QUOTES.size()));
  }

  static Stream<Named<byte[]>> randomBytes() {
    return PropertyCases.of(
        0x3b6e_90d4_21f7_ac58L,
        TRIES,
        PropertyCases.edgeByteArrays(6000),
        random -> PropertyCases.bytes(random, 6000));
  }

  @ParameterizedTest
  @MethodSource("randomBytes")
  void randomBytesParseOrAreRejected(byte[] bytes) {
    parseOrReject(bytes);
  }

  static Stream<Named<byte[]>> bytesAfterAPlausibleHeader() {
    List<Named<byte[]>> edges = new ArrayList<>();
    for (int version = 3; version <= 5; version++) {
      for (int bodyType = 2; bodyType <= 3; bodyType++) {
        for (int bodySize : new int[] {0, 584, 648}) {
          byte[] header = plausibleHeader(version, bodyType, bodySize);
          for (Named<byte[]> rest : PropertyCases.edgeByteArrays(6000)) {
            if (rest.getPayload().length != 1) {
              edges.add(
                  edge(
                      "v%d type %d size %d, then %s"
                          .formatted(version, bodyType, bodySize, rest.getName()),
                      concat(header, rest.getPayload())));
            }
          }
        }
      }
    }
    return PropertyCases.of(
        0x58a2_c7e1_0f3d_964bL,
        TRIES,
        edges,
        random ->
            concat(
                plausibleHeader(
                    random.nextInt(3, 6),
                    random.nextInt(2, 4),
                    new int[] {0, 584, 648}[random.nextInt(3)]),
                PropertyCases.bytes(random, 6000)));
  }

  @ParameterizedTest
  @MethodSource("bytesAfterAPlausibleHeader")
  void randomBytesAfterAPlausibleHeaderParseOrAreRejected(byte[] bytes) {
    parseOrReject(bytes);
  }

  private static byte[] plausibleHeader(int version, int bodyType, int bodySize) {
    byte[] b = new byte[QuoteHeader.SIZE + (version == 5 ? 6 : 0)];
    b[0] = (byte) version;
    b[2] = 2;
    b[4] = (byte) (version == 3 ? 0 : 0x81);
    if (version == 5) {
      b[48] = (byte) bodyType;
      b[50] = (byte) bodySize;
      b[51] = (byte) (bodySize >> 8);
    }
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A real quote with the byte at {@code position} modulo its length set to {@code value}. */
  record Mutation(DcapVector vector, int position, byte value) {}

  static Stream<Named<Mutation>> mutations() {
    List<Named<Mutation>> edges = new ArrayList<>();
    for (DcapVector vector : END_QUOTES) {
      for (int position : PropertyCases.edgeInts(0, Integer.MAX_VALUE)) {
        for (byte value : PropertyCases.edgeBytes()) {
          edges.add(
              edge(
                  vector.id() + ": " + position + " := " + value,
                  new Mutation(vector, position, value)));
        }
      }
    }
    return PropertyCases.of(
        0x0e4d_7b29_f16a_c835L,
        TRIES,
        edges,
        random ->
            new Mutation(
                anyQuote(random),
                random.nextInt(0, Integer.MAX_VALUE),
                (byte) random.nextInt(-128, 128)));
  }

  @ParameterizedTest
  @MethodSource("mutations")
  void singleByteMutationsOfRealQuotesParseOrAreRejected(Mutation m) {
    byte[] bytes = m.vector().quoteBytes();
    bytes[m.position() % bytes.length] = m.value();
    parseOrReject(bytes);
  }

  /**
   * A length or type field of a real quote (the {@code field}th modulo their number) set to its
   * original value plus {@code delta}, or to {@code value}.
   */
  record FieldEdit(DcapVector vector, int field, boolean nearOriginal, int delta, long value) {}

  static Stream<Named<FieldEdit>> fieldEdits() {
    List<Named<FieldEdit>> edges = new ArrayList<>();
    for (DcapVector vector : END_QUOTES) {
      int fields = lengthAndTypeFields(vector.quote()).size();
      for (int field = 0; field < fields; field++) {
        for (int delta : new int[] {-8, -1, 1, 8}) {
          edges.add(
              edge(
                  vector.id() + ": field " + field + " " + delta,
                  new FieldEdit(vector, field, true, delta, 0)));
        }
        for (long value : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
          edges.add(
              edge(
                  vector.id() + ": field " + field + " := " + value,
                  new FieldEdit(vector, field, false, 0, value)));
        }
      }
    }
    return PropertyCases.of(
        0x9c13_4ae8_62d5_0bf7L,
        TRIES,
        edges,
        random ->
            new FieldEdit(
                anyQuote(random),
                random.nextInt(0, Integer.MAX_VALUE),
                random.nextBoolean(),
                random.nextInt(-8, 9),
                random.nextLong()));
  }

  @ParameterizedTest
  @MethodSource("fieldEdits")
  void arbitraryValuesInLengthAndTypeFieldsParseOrAreRejected(FieldEdit e) {
    byte[] bytes = e.vector().quoteBytes();
    List<int[]> fields = lengthAndTypeFields(e.vector().quote());
    int[] f = fields.get(e.field() % fields.size());
    long written = e.nearOriginal() ? read(bytes, f[0], f[1]) + e.delta() : e.value();
    write(bytes, f[0], f[1], written);
    parseOrReject(bytes);
  }

  /** A real quote cut to {@code cut} modulo its length plus one. */
  record Truncation(DcapVector vector, int cut) {}

  static Stream<Named<Truncation>> truncations() {
    List<Named<Truncation>> edges = new ArrayList<>();
    for (DcapVector vector : QUOTES) {
      int structure = vector.quote().length();
      int all = vector.quoteBytes().length;
      for (int cut : List.of(0, 1, structure - 1, structure, all)) {
        edges.add(edge(vector.id() + ": cut " + cut, new Truncation(vector, cut)));
      }
    }
    for (DcapVector vector : END_QUOTES) {
      for (int cut : PropertyCases.edgeInts(0, Integer.MAX_VALUE)) {
        edges.add(edge(vector.id() + ": cut " + cut, new Truncation(vector, cut)));
      }
    }
    return PropertyCases.of(
        0x27f5_d80c_b349_6e1aL,
        TRIES,
        edges,
        random -> new Truncation(anyQuote(random), random.nextInt(0, Integer.MAX_VALUE)));
  }

  @ParameterizedTest
  @MethodSource("truncations")
  void truncationsOfRealQuotesAreRejectedUnlessTheyKeepTheWholeStructure(Truncation t) {
    byte[] bytes = t.vector().quoteBytes();
    int length = t.cut() % (bytes.length + 1);
    Optional<Quote> parsed = parseOrReject(Arrays.copyOf(bytes, length));
    assertThat(parsed.isPresent()).isEqualTo(length >= t.vector().quote().length());
  }

  /** A real quote followed by {@code extra} bytes. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared as a record
  record Extension(DcapVector vector, byte[] extra) {}

  static Stream<Named<Extension>> extensions() {
    List<Named<Extension>> edges = new ArrayList<>();
    for (DcapVector vector : END_QUOTES) {
      for (Named<byte[]> extra : PropertyCases.edgeByteArrays(4000)) {
        edges.add(
            edge(vector.id() + ", " + extra.getName(), new Extension(vector, extra.getPayload())));
      }
    }
    return PropertyCases.of(
        0x6a0b_f3c2_95e8_1d47L,
        TRIES,
        edges,
        random -> new Extension(anyQuote(random), PropertyCases.bytes(random, 4000)));
  }

  @ParameterizedTest
  @MethodSource("extensions")
  void extensionsOfRealQuotesParseToTheSameQuote(Extension e) {
    byte[] bytes = e.vector().quoteBytes();
    byte[] extended = concat(bytes, e.extra());

    assertThat(parseOrReject(extended)).contains(e.vector().quote());
  }

  /** A real quote in hex, upper or lower case, with or without 0x, whitespace from a seed. */
  record HexText(DcapVector vector, boolean upperCase, boolean prefixed, long whitespaceSeed) {}

  static Stream<Named<HexText>> hexTexts() {
    List<Named<HexText>> edges = new ArrayList<>();
    for (DcapVector vector : END_QUOTES) {
      for (boolean upperCase : new boolean[] {false, true}) {
        for (boolean prefixed : new boolean[] {false, true}) {
          for (long seed : new long[] {0, Long.MAX_VALUE}) {
            edges.add(
                edge(
                    "%s upper %s 0x %s whitespace %d"
                        .formatted(vector.id(), upperCase, prefixed, seed),
                    new HexText(vector, upperCase, prefixed, seed)));
          }
        }
      }
    }
    return PropertyCases.of(
        0xd41e_6b07_3ac9_f285L,
        TRIES,
        edges,
        random ->
            new HexText(
                anyQuote(random), random.nextBoolean(), random.nextBoolean(), random.nextLong()));
  }

  @ParameterizedTest
  @MethodSource("hexTexts")
  void hexEncodingsOfRealQuotesDecodeToTheSameBytes(HexText h) throws QuoteFormatException {
    byte[] bytes = h.vector().quoteBytes();
    HexFormat hex = h.upperCase() ? HexFormat.of().withUpperCase() : HexFormat.of();
    String text = (h.prefixed() ? "0x" : "") + hex.formatHex(bytes);

    assertThat(QuoteInput.decode(withWhitespace(text, h.whitespaceSeed()))).isEqualTo(bytes);
  }

  /**
   * A real quote less its last {@code dropped} bytes in base64, URL-safe or not, padded or not,
   * with whitespace from a seed.
   */
  record Base64Text(
      DcapVector vector, boolean urlSafe, boolean padded, int dropped, long whitespaceSeed) {}

  static Stream<Named<Base64Text>> base64Texts() {
    List<Named<Base64Text>> edges = new ArrayList<>();
    for (DcapVector vector : END_QUOTES) {
      for (boolean urlSafe : new boolean[] {false, true}) {
        for (boolean padded : new boolean[] {false, true}) {
          for (int dropped = 0; dropped <= 2; dropped++) {
            edges.add(
                edge(
                    "%s url-safe %s padded %s less %d bytes"
                        .formatted(vector.id(), urlSafe, padded, dropped),
                    new Base64Text(vector, urlSafe, padded, dropped, 0)));
          }
        }
      }
    }
    return PropertyCases.of(
        0x85c3_1f6e_d0a7_492bL,
        TRIES,
        edges,
        random ->
            new Base64Text(
                anyQuote(random),
                random.nextBoolean(),
                random.nextBoolean(),
                random.nextInt(0, 3),
                random.nextLong()));
  }

  @ParameterizedTest
  @MethodSource("base64Texts")
  void base64EncodingsOfRealQuotesDecodeToTheSameBytes(Base64Text b) throws QuoteFormatException {
    byte[] all = b.vector().quoteBytes();
    byte[] bytes = Arrays.copyOf(all, all.length - b.dropped());
    Base64.Encoder encoder = b.urlSafe() ? Base64.getUrlEncoder() : Base64.getEncoder();
    String text = (b.padded() ? encoder : encoder.withoutPadding()).encodeToString(bytes);

    assertThat(QuoteInput.decode(withWhitespace(text, b.whitespaceSeed()))).isEqualTo(bytes);
  }

  private static Optional<Quote> parseOrReject(byte[] bytes) {
    try {
      return Optional.of(QuoteParser.parse(bytes));
    } catch (QuoteFormatException rejected) {
      return Optional.empty();
    }
  }

  /** Inserts runs of spaces, tabs and line breaks at random places, including both ends. */
  private static byte[] withWhitespace(String text, long seed) {
    Random random = new Random(seed);
    String whitespace = " \t\r\n\f";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i <= text.length(); i++) {
      if (random.nextInt(40) == 0) {
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          out.append(whitespace.charAt(random.nextInt(whitespace.length())));
        }
      }
      if (i < text.length()) {
        out.append(text.charAt(i));
      }
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Offset and width of every length and type field of {@code quote}. */
  private static List<int[]> lengthAndTypeFields(Quote quote) {
    List<int[]> fields = new ArrayList<>();
    fields.add(new int[] {0, 2});
    fields.add(new int[] {2, 2});
    fields.add(new int[] {4, 4});
    if (quote.header().version() == 5) {
      fields.add(new int[] {48, 2});
      fields.add(new int[] {50, 4});
    }
    int p = quote.signedRegion().size();
    fields.add(new int[] {p, 4});
    p += 4 + 128;
    if (quote.header().version() != 3) {
      fields.add(new int[] {p, 2});
      fields.add(new int[] {p + 2, 4});
      p += 6;
    }
    p += EnclaveReport.SIZE + 64;
    fields.add(new int[] {p, 2});
    p += 2 + quote.signatureData().qeAuthData().size();
    fields.add(new int[] {p, 2});
    fields.add(new int[] {p + 2, 4});
    return fields;
  }

  private static long read(byte[] bytes, int offset, int width) {
    long v = 0;
    for (int i = width - 1; i >= 0; i--) {
      v = v << 8 | (bytes[offset + i] & 0xff);
    }
    return v;
  }

  private static void write(byte[] bytes, int offset, int width, long value) {
    for (int i = 0; i < width; i++) {
      bytes[offset + i] = (byte) (value >>> (8 * i));
    }
  }
}
