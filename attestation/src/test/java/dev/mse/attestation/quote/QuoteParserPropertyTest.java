package dev.mse.attestation.quote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The parser's contract on hostile input: it returns a quote or throws {@link
 * QuoteFormatException}, never anything else. Random bytes rarely get past the version field, so
 * most properties start from the real quotes and damage them.
 */
class QuoteParserPropertyTest {
  private static final List<DcapVector> QUOTES = DcapVector.distinctQuotes();

  @Provide
  Arbitrary<DcapVector> quotes() {
    return Arbitraries.of(QUOTES);
  }

  @Property
  void randomBytesParseOrAreRejected(@ForAll @Size(max = 6000) byte[] bytes) {
    parseOrReject(bytes);
  }

  @Property
  void randomBytesAfterAPlausibleHeaderParseOrAreRejected(
      @ForAll("plausibleHeaders") byte[] header, @ForAll @Size(max = 6000) byte[] rest) {
    byte[] bytes = Arrays.copyOf(header, header.length + rest.length);
    System.arraycopy(rest, 0, bytes, header.length, rest.length);
    parseOrReject(bytes);
  }

  @Provide
  Arbitrary<byte[]> plausibleHeaders() {
    return Combinators.combine(
            Arbitraries.integers().between(3, 5),
            Arbitraries.integers().between(2, 3),
            Arbitraries.of(0, 1, 2, 3, 4),
            Arbitraries.of(0, 584, 648))
        .as(
            (version, bodyType, tee, bodySize) -> {
              byte[] b = new byte[QuoteHeader.SIZE + (version == 5 ? 6 : 0)];
              b[0] = (byte) (int) version;
              b[2] = 2;
              b[4] = (byte) (version == 3 ? 0 : 0x81);
              if (version == 5) {
                b[48] = (byte) (int) bodyType;
                b[50] = (byte) (int) bodySize;
                b[51] = (byte) (bodySize >> 8);
              }
              return b;
            });
  }

  @Property
  void singleByteMutationsOfRealQuotesParseOrAreRejected(
      @ForAll("quotes") DcapVector vector,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll byte value) {
    byte[] bytes = vector.quoteBytes();
    bytes[position % bytes.length] = value;
    parseOrReject(bytes);
  }

  @Property
  void arbitraryValuesInLengthAndTypeFieldsParseOrAreRejected(
      @ForAll("quotes") DcapVector vector,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int field,
      @ForAll boolean nearOriginal,
      @ForAll @IntRange(min = -8, max = 8) int delta,
      @ForAll long value) {
    byte[] bytes = vector.quoteBytes();
    List<int[]> fields = lengthAndTypeFields(vector.quote());
    int[] f = fields.get(field % fields.size());
    long written = nearOriginal ? read(bytes, f[0], f[1]) + delta : value;
    write(bytes, f[0], f[1], written);
    parseOrReject(bytes);
  }

  @Property
  void truncationsOfRealQuotesAreRejectedUnlessTheyKeepTheWholeStructure(
      @ForAll("quotes") DcapVector vector,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
    byte[] bytes = vector.quoteBytes();
    int length = cut % (bytes.length + 1);
    Optional<Quote> parsed = parseOrReject(Arrays.copyOf(bytes, length));
    assertThat(parsed.isPresent()).isEqualTo(length >= vector.quote().length());
  }

  @Property
  void extensionsOfRealQuotesParseToTheSameQuote(
      @ForAll("quotes") DcapVector vector, @ForAll @Size(max = 4000) byte[] extra) {
    byte[] bytes = vector.quoteBytes();
    byte[] extended = Arrays.copyOf(bytes, bytes.length + extra.length);
    System.arraycopy(extra, 0, extended, bytes.length, extra.length);

    assertThat(parseOrReject(extended)).contains(vector.quote());
  }

  @Property
  void hexEncodingsOfRealQuotesDecodeToTheSameBytes(
      @ForAll("quotes") DcapVector vector,
      @ForAll boolean upperCase,
      @ForAll boolean prefixed,
      @ForAll long whitespaceSeed)
      throws QuoteFormatException {
    byte[] bytes = vector.quoteBytes();
    HexFormat hex = upperCase ? HexFormat.of().withUpperCase() : HexFormat.of();
    String text = (prefixed ? "0x" : "") + hex.formatHex(bytes);

    assertThat(QuoteInput.decode(withWhitespace(text, whitespaceSeed))).isEqualTo(bytes);
  }

  @Property
  void base64EncodingsOfRealQuotesDecodeToTheSameBytes(
      @ForAll("quotes") DcapVector vector,
      @ForAll boolean urlSafe,
      @ForAll boolean padded,
      @ForAll @IntRange(min = 0, max = 2) int dropped,
      @ForAll long whitespaceSeed)
      throws QuoteFormatException {
    byte[] bytes = Arrays.copyOf(vector.quoteBytes(), vector.quoteBytes().length - dropped);
    Base64.Encoder encoder = urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder();
    String text = (padded ? encoder : encoder.withoutPadding()).encodeToString(bytes);

    assertThat(QuoteInput.decode(withWhitespace(text, whitespaceSeed))).isEqualTo(bytes);
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
