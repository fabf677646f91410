package dev.mse.attestation.collateral;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.testing.PropertyCases;
import dev.mse.attestation.testing.TestVectors;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Properties of the collateral readers over real collateral: bundles round-trip, and no mutation of
 * a real document makes a reader throw anything but {@link CollateralFormatException}.
 */
class CollateralProperties {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The distinct real collateral sets, read once. */
  private static final List<Collateral> SETS = readSets();

  /** Real documents of every kind the readers take, by a short name. */
  private static final Map<String, byte[]> DOCUMENTS = documents();

  /** Their names in a fixed order (a {@code Map.of}'s order changes from run to run). */
  private static final List<String> DOCUMENT_NAMES = DOCUMENTS.keySet().stream().sorted().toList();

  private static List<Collateral> readSets() {
    List<Collateral> sets = new ArrayList<>();
    for (JsonNode spec : CollateralSets.distinctSpecs()) {
      try {
        sets.add(CollateralSets.read(spec));
      } catch (CollateralFormatException e) {
        throw new IllegalStateException(e);
      }
    }
    return List.copyOf(sets);
  }

  private static Map<String, byte[]> documents() {
    try {
      return Map.of(
          "sgx-v2-response", TestVectors.bytes("sgx/automata/0625/tcbinfo.json"),
          "tdx-v3-response", TestVectors.bytes("tdx/automata/0625/tcbinfov3_00806f050000.json"),
          "qe-response", TestVectors.bytes("sgx/automata/0825/sgx_qeidentity_v4.json"),
          "dcap-qvl", TestVectors.bytes("tdx/dcap-qvl/tdx_quote_collateral.json"),
          "bundle",
              CollateralBundleWriter.write(
                      new CollateralBundle(SETS.getFirst(), Instant.EPOCH, Optional.of("test")))
                  .toByteArray());
    } catch (CollateralFormatException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The latest instant a bundle holds: 9999-12-31T23:59:59.999999999Z. */
  private static final Instant LATEST = Instant.ofEpochSecond(253402300799L, 999_999_999);

  /** Text of the characters a bundle's note may hold: no surrogates, no U+FFFE or U+FFFF. */
  private static final String TEXT_EDGE = " \uD7FF\uE000\uFFFD".repeat(20);

  static Stream<Named<CollateralBundle>> bundles() {
    List<Named<CollateralBundle>> edges = new ArrayList<>();
    for (Instant at : List.of(Instant.EPOCH, LATEST)) {
      for (Optional<String> note :
          List.of(Optional.<String>empty(), Optional.of(""), Optional.of(TEXT_EDGE))) {
        edges.add(
            edge(
                "first set at "
                    + at
                    + ", note of "
                    + note.map(String::length).orElse(-1)
                    + " chars",
                new CollateralBundle(SETS.getFirst(), at, note)));
      }
    }
    for (Collateral set : SETS.subList(1, SETS.size())) {
      edges.add(
          edge(
              "set " + SETS.indexOf(set),
              new CollateralBundle(set, Instant.EPOCH, Optional.empty())));
    }
    return PropertyCases.of(
        0xa9d2_4c71_e0b3_5f86L,
        60,
        edges,
        random ->
            new CollateralBundle(
                SETS.get(random.nextInt(SETS.size())),
                Instant.ofEpochSecond(
                    random.nextLong(0, LATEST.getEpochSecond() + 1),
                    random.nextInt(0, 1_000_000_000)),
                random.nextBoolean() ? Optional.of(text(random, 80)) : Optional.empty()));
  }

  /** Up to {@code max} characters from U+0020..U+D7FF and U+E000..U+FFFD. */
  private static String text(SplittableRandom random, int max) {
    int low = 0xD7FF - ' ' + 1;
    int high = 0xFFFD - 0xE000 + 1;
    StringBuilder s = new StringBuilder();
    for (int n = PropertyCases.size(random, max); n > 0; n--) {
      int i = random.nextInt(low + high);
      s.append((char) (i < low ? ' ' + i : 0xE000 + i - low));
    }
    return s.toString();
  }

  @ParameterizedTest
  @MethodSource("bundles")
  void aBundleReadsBackAsWritten(CollateralBundle bundle) throws Exception {
    ByteString file = CollateralBundleWriter.write(bundle);

    assertThat(CollateralBundleReader.read(file)).isEqualTo(bundle);
    assertThat(CollateralReader.read(file)).isEqualTo(bundle.collateral());
  }

  /** One byte-level edit of a document. */
  record Edit(int position, int kind, int value, int length) {
    private static final List<String> TOKENS =
        List.of(
            "null",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "-1",
            "1e999",
            "0.5",
            "true",
            "99999999999999999999999",
            "\"x\"",
            "\\u0000",
            "\\ud800",
            " ",
            "\"tcbInfo\":{}",
            "\"signature\":\"00\"",
            "-----BEGIN CERTIFICATE-----",
            "\uFEFF",
            "\u00e9");

    byte[] apply(byte[] input) {
      if (input.length == 0) {
        return TOKENS.get(value % TOKENS.size()).getBytes(StandardCharsets.UTF_8);
      }
      int at = Math.floorMod(position, input.length);
      return switch (kind) {
        case 0 -> set(input, at, (byte) (input[at] ^ (1 << (value & 7))));
        case 1 -> set(input, at, (byte) value);
        case 2 ->
            splice(
                input, at, 0, TOKENS.get(value % TOKENS.size()).getBytes(StandardCharsets.UTF_8));
        case 3 -> splice(input, at, Math.min(length, input.length - at), new byte[0]);
        case 4 -> Arrays.copyOf(input, at);
        default ->
            splice(
                input, at, 0, Arrays.copyOfRange(input, at, Math.min(input.length, at + length)));
      };
    }

    private static byte[] set(byte[] input, int at, byte value) {
      byte[] out = input.clone();
      out[at] = value;
      return out;
    }

    private static byte[] splice(byte[] input, int at, int remove, byte[] insert) {
      byte[] out = new byte[input.length - remove + insert.length];
      System.arraycopy(input, 0, out, 0, at);
      System.arraycopy(insert, 0, out, at, insert.length);
      System.arraycopy(input, at + remove, out, at + insert.length, input.length - at - remove);
      return out;
    }
  }

  private static Edit randomEdit(SplittableRandom random) {
    return new Edit(
        random.nextInt(0, Integer.MAX_VALUE),
        random.nextInt(0, 6),
        random.nextInt(0, 256),
        random.nextInt(1, 65));
  }

  /** Edits to apply in turn to the document of a name. */
  record Edits(String document, List<Edit> edits) {}

  /** Each kind of edit alone on each document, at both ends, with the extreme values. */
  static Stream<Named<Edits>> byteEdits() {
    List<Named<Edits>> edges = new ArrayList<>();
    for (String name : DOCUMENT_NAMES) {
      for (int kind = 0; kind <= 5; kind++) {
        for (int position : List.of(0, Integer.MAX_VALUE)) {
          int value = position == 0 ? 0 : 255;
          int length = position == 0 ? 1 : 64;
          Edit edit = new Edit(position, kind, value, length);
          edges.add(edge(name + ": " + edit, new Edits(name, List.of(edit))));
        }
      }
    }
    return PropertyCases.of(
        0x1fc8_9e35_b6a0_4d72L,
        400,
        edges,
        random -> {
          List<Edit> edits = new ArrayList<>();
          for (int n = random.nextInt(1, 7); n > 0; n--) {
            edits.add(randomEdit(random));
          }
          return new Edits(DOCUMENT_NAMES.get(random.nextInt(DOCUMENT_NAMES.size())), edits);
        });
  }

  @ParameterizedTest
  @MethodSource("byteEdits")
  void byteEditsOfRealCollateralOnlyFailAsFormatErrors(Edits e) {
    byte[] data = DOCUMENTS.get(e.document());
    for (Edit edit : e.edits()) {
      data = edit.apply(data);
    }

    readWithEveryReader(data);
  }

  /** A document, and the seed of the {@link Random} that picks the nodes to edit. */
  record StructuralEdit(String document, long seed) {}

  /** Every document once with the same seed, then random ones. */
  static Stream<Named<StructuralEdit>> structuralEdits() {
    return PropertyCases.of(
        0x7b0e_d16c_3f92_a548L,
        400,
        DOCUMENT_NAMES.stream().map(name -> edge(name, new StructuralEdit(name, 0))).toList(),
        random ->
            new StructuralEdit(
                DOCUMENT_NAMES.get(random.nextInt(DOCUMENT_NAMES.size())), random.nextLong()));
  }

  @ParameterizedTest
  @MethodSource("structuralEdits")
  void structuralEditsOfRealCollateralOnlyFailAsFormatErrors(StructuralEdit e) {
    Random random = new Random(e.seed());
    JsonNode root = JSON.readTree(DOCUMENTS.get(e.document()));
    // The signed documents are strings inside dcap-qvl files and bundles; edit those too.
    for (String field : List.of("tcb_info", "qe_identity")) {
      if (root.has(field) && random.nextBoolean()) {
        JsonNode parsed = JSON.readTree(root.get(field).asString());
        mutate(parsed, random);
        ((ObjectNode) root).put(field, JSON.writeValueAsString(parsed));
      }
    }
    int edits = 1 + random.nextInt(3);
    for (int i = 0; i < edits; i++) {
      mutate(root, random);
    }
    byte[] data = JSON.writeValueAsBytes(root);

    readWithEveryReader(data);
    for (String field : List.of("tcbInfo", "enclaveIdentity")) {
      if (root.has(field)) {
        readWithEveryReader(JSON.writeValueAsBytes(root.get(field)));
      }
    }
  }

  /** Replaces, removes or duplicates one randomly chosen node of the tree. */
  private static void mutate(JsonNode root, Random random) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    if (target instanceof ObjectNode object && !object.isEmpty()) {
      List<String> names = new ArrayList<>(object.propertyNames());
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(3)) {
        case 0 -> object.remove(name);
        case 1 -> object.set(name, randomValue(random, object.get(name)));
        default -> object.set(name + (random.nextBoolean() ? "" : "x"), randomValue(random, null));
      }
    } else if (target instanceof ArrayNode array && !array.isEmpty()) {
      int index = random.nextInt(array.size());
      switch (random.nextInt(3)) {
        case 0 -> array.remove(index);
        case 1 -> array.set(index, randomValue(random, array.get(index)));
        default -> array.add(array.get(index).deepCopy());
      }
    }
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainer()) {
      out.add(node);
      node.forEach(child -> collect(child, out));
    }
  }

  private static JsonNode randomValue(Random random, JsonNode original) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    return switch (random.nextInt(12)) {
      case 0 -> nodes.nullNode();
      case 1 -> nodes.booleanNode(random.nextBoolean());
      case 2 -> nodes.numberNode(random.nextLong());
      case 3 -> nodes.numberNode(new BigInteger(130, random));
      case 4 -> nodes.numberNode(random.nextDouble() * 1e6);
      case 5 -> nodes.stringNode("");
      case 6 -> nodes.stringNode("zz" + Long.toHexString(random.nextLong()));
      case 7 -> nodes.stringNode("2025-13-45T99:99:99Z");
      case 8 -> nodes.objectNode();
      case 9 -> nodes.arrayNode().add(original == null ? nodes.nullNode() : original.deepCopy());
      case 10 ->
          original != null && original.isString()
              ? nodes.stringNode(original.asString().substring(0, original.asString().length() / 2))
              : nodes.stringNode("UpToDate");
      default -> nodes.numberNode(-1 - random.nextInt(1000));
    };
  }

  /** Every reader either reads the bytes or throws {@link CollateralFormatException}. */
  private static void readWithEveryReader(byte[] data) {
    ByteString bytes = ByteString.of(data);
    List<Reader> readers =
        List.of(
            () -> TcbInfoParser.parse(bytes),
            () -> QeIdentityParser.parse(bytes),
            () -> TcbInfoParser.parse(PcsResponseReader.tcbInfo(bytes).body()),
            () -> QeIdentityParser.parse(PcsResponseReader.enclaveIdentity(bytes).body()),
            () -> CollateralReader.read(bytes),
            () -> DcapQvlCollateralReader.read(bytes),
            () -> CollateralBundleReader.read(bytes),
            () -> CrlReader.read(bytes, "crl"),
            () -> CertificateChainReader.read(bytes, "chain"));
    for (Reader reader : readers) {
      try {
        reader.read();
      } catch (CollateralFormatException expected) {
        // The only failure a reader may report.
      }
    }
  }

  @FunctionalInterface
  private interface Reader {
    Object read() throws CollateralFormatException;
  }
}
