package dev.mse.operator.proxy;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.testing.PropertyCases;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClientHelloProperties {
  private final ClientHelloParser parser = ClientHelloParser.standard();

  /** A generated hello: its name, the records, and how a network might chop them. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared as a record
  record Generated(String name, byte[] records, int chunk) {}

  private static final String FIRST = "abcXYZ019";
  private static final String MIDDLE = "abcdefghijklmnopqrstuvwxyzABCQ0123456789-";
  private static final String LAST = "kLm89";

  /** The longest host name the parser takes (RFC 1035's 253 characters, dot excluded). */
  private static final int MAX_HOST_NAME = 253;

  /**
   * 1 to 4 labels of 2 to 63 characters (one of FIRST, up to 61 of MIDDLE, one of LAST), at most
   * {@link #MAX_HOST_NAME} characters in all.
   */
  private static String hostName(SplittableRandom random) {
    String name;
    do {
      name = labels(random);
    } while (name.length() > MAX_HOST_NAME);
    return name;
  }

  private static String labels(SplittableRandom random) {
    List<String> labels = new ArrayList<>();
    for (int n = random.nextInt(1, 5); n > 0; n--) {
      StringBuilder label = new StringBuilder().append(pick(random, FIRST));
      for (int i = PropertyCases.size(random, 61); i > 0; i--) {
        label.append(pick(random, MIDDLE));
      }
      labels.add(label.append(pick(random, LAST)).toString());
    }
    return String.join(".", labels);
  }

  private static char pick(SplittableRandom random, String chars) {
    return chars.charAt(random.nextInt(chars.length()));
  }

  /** How a hello is built; {@link #generate} turns it into records. */
  record Shape(
      String name,
      Set<Integer> extensionTypes,
      int size,
      int session,
      int fragment,
      int chunk,
      boolean trailingDot) {

    Generated generate() {
      HelloBuilder b = HelloBuilder.hello().sessionIdLength(session);
      b.serverName(trailingDot ? name + "." : name);
      int i = 0;
      for (int type : extensionTypes) {
        b.extension(type, (size * (i + 1)) % 901);
        i++;
      }
      byte[] handshake = b.handshake();
      int minFragment = handshake.length / (ClientHelloParser.MAX_RECORDS - 1) + 1;
      int records = Math.max(minFragment, Math.min(fragment, 1 << 14));
      return new Generated(name, HelloBuilder.records(handshake, records), chunk);
    }
  }

  private static Shape randomShape(SplittableRandom random) {
    Set<Integer> types = new LinkedHashSet<>();
    for (int n = random.nextInt(0, 7); n > 0; n--) {
      types.add(random.nextInt(1, 65_536));
    }
    return new Shape(
        hostName(random),
        types,
        random.nextInt(0, 901),
        random.nextInt(0, 33),
        random.nextInt(1, 3001),
        random.nextInt(1, 4097),
        random.nextBoolean());
  }

  /**
   * The smallest hello (one two-letter label, no extensions, no session id, one-byte records read a
   * byte at a time) and the largest (four 63-character labels, six extensions of the extreme types
   * and sizes, a 32-byte session id, the largest records and reads), with and without the trailing
   * dot.
   */
  private static List<Named<Shape>> shapeEdges() {
    String longLabel = "X" + "Q".repeat(61) + "9";
    String longest = String.join(".", longLabel, longLabel, longLabel, "X" + "Q".repeat(59) + "9");
    Set<Integer> extremeTypes = new LinkedHashSet<>(List.of(1, 2, 3, 65_533, 65_534, 65_535));
    List<Named<Shape>> edges = new ArrayList<>();
    for (boolean trailingDot : new boolean[] {false, true}) {
      edges.add(
          edge(
              "smallest hello, dot " + trailingDot,
              new Shape("ak", Set.of(), 0, 0, 1, 1, trailingDot)));
      edges.add(
          edge(
              "largest hello, dot " + trailingDot,
              new Shape(longest, extremeTypes, 900, 32, 3000, 4096, trailingDot)));
    }
    return edges;
  }

  static Stream<Named<Generated>> hellos() {
    return PropertyCases.of(
            0x0f5b_c83e_71a6_d942L, 300, shapeEdges(), ClientHelloProperties::randomShape)
        .map(n -> Named.of(n.getName(), n.getPayload().generate()));
  }

  @ParameterizedTest
  @MethodSource("hellos")
  void roundTrip(Generated g) throws Exception {
    ClientHello fromBytes = parser.parse(g.records());
    ClientHello fromStream =
        parser.read(new ClientHelloParserTest.TrickleInputStream(g.records(), g.chunk()));

    assertThat(fromBytes.serverName()).contains(g.name().toLowerCase(Locale.ROOT));
    assertThat(fromBytes.raw()).isEqualTo(g.records());
    assertThat(fromStream).isEqualTo(fromBytes);
  }

  /** A hello and where to cut it (modulo its length). */
  record Truncation(Generated hello, int cut) {}

  static Stream<Named<Truncation>> truncations() {
    List<Named<Truncation>> edges = new ArrayList<>();
    for (Named<Shape> shape : shapeEdges()) {
      Generated hello = shape.getPayload().generate();
      List<Integer> cuts = new ArrayList<>(PropertyCases.edgeInts(0, 100_000));
      cuts.add(hello.records().length - 1);
      for (int cut : cuts) {
        edges.add(edge(shape.getName().substring(6) + ", cut " + cut, new Truncation(hello, cut)));
      }
    }
    return PropertyCases.of(
        0x83d6_2a0f_c5e9_471bL,
        300,
        edges,
        random -> new Truncation(randomShape(random).generate(), random.nextInt(0, 100_001)));
  }

  @ParameterizedTest
  @MethodSource("truncations")
  void everyTruncationIsAFormatError(Truncation t) {
    byte[] records = t.hello().records();
    byte[] truncated = Arrays.copyOf(records, t.cut() % records.length);
    assertThatThrownBy(() -> parser.parse(truncated))
        .isInstanceOf(ClientHelloFormatException.class);
    assertThatThrownBy(() -> parser.read(new ByteArrayInputStream(truncated)))
        .isInstanceOf(ClientHelloFormatException.class);
  }

  /** A hello, and up to 8 positions (modulo its length) to xor with the masks at their index. */
  record Corruption(Generated hello, List<Integer> positions, List<Integer> xors) {}

  static Stream<Named<Corruption>> corruptions() {
    List<Named<Corruption>> edges = new ArrayList<>();
    List<Integer> ones = List.of(1, 1, 1, 1, 1, 1, 1, 1);
    List<Integer> all = List.of(255, 255, 255, 255, 255, 255, 255, 255);
    for (Named<Shape> shape : shapeEdges()) {
      Generated hello = shape.getPayload().generate();
      for (List<Integer> positions :
          List.of(List.of(0), List.of(1_000_000), List.of(0, 1, 2, 999_998, 999_999, 1_000_000))) {
        for (List<Integer> xors : List.of(ones, all)) {
          edges.add(
              edge(
                  "%s, xor %d at %s"
                      .formatted(shape.getName().substring(6), xors.getFirst(), positions),
                  new Corruption(hello, positions, xors)));
        }
      }
    }
    return PropertyCases.of(
        0x5ea1_9b74_02cf_d863L,
        1000,
        edges,
        random -> {
          Generated hello = randomShape(random).generate();
          List<Integer> positions = new ArrayList<>();
          for (int n = random.nextInt(1, 9); n > 0; n--) {
            positions.add(random.nextInt(0, 1_000_001));
          }
          List<Integer> xors = new ArrayList<>();
          for (int n = 0; n < 8; n++) {
            xors.add(random.nextInt(1, 256));
          }
          return new Corruption(hello, positions, xors);
        });
  }

  @ParameterizedTest
  @MethodSource("corruptions")
  void corruptionYieldsAHelloOrTheTypedException(Corruption c) {
    byte[] corrupt = c.hello().records().clone();
    for (int i = 0; i < c.positions().size(); i++) {
      corrupt[c.positions().get(i) % corrupt.length] ^= (byte) c.xors().get(i).intValue();
    }
    assertHelloOrTyped(corrupt);
  }

  static Stream<Named<byte[]>> arbitraryBytes() {
    return PropertyCases.of(
        0xc71e_4f08_b36a_925dL,
        1000,
        PropertyCases.edgeByteArrays(2000),
        random -> PropertyCases.bytes(random, 2000));
  }

  @ParameterizedTest
  @MethodSource("arbitraryBytes")
  void arbitraryBytesYieldTheTypedException(byte[] bytes) {
    assertHelloOrTyped(bytes);
  }

  private void assertHelloOrTyped(byte[] bytes) {
    try {
      ClientHello hello = parser.parse(bytes);
      assertThat(hello.raw()).isEqualTo(bytes);
    } catch (ClientHelloFormatException expected) {
      // the documented outcome
    }
    try {
      parser.read(new ByteArrayInputStream(bytes));
    } catch (ClientHelloFormatException expected) {
      // the documented outcome
    } catch (java.io.IOException e) {
      throw new AssertionError("an array stream does not fail", e);
    }
  }
}
