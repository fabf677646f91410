package dev.mse.protocol.pkg;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.testing.PropertyCases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PackageCipherProperties {
  private static final byte[] ZEROS = new byte[32];
  private static final byte[] ONES = filled(32, (byte) 0xff);

  /** Plaintext, key and associated data (or salt). */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared as a record
  record Inputs(byte[] plain, byte[] key, byte[] extra) {}

  static Stream<Named<Inputs>> roundTrips() {
    List<Named<Inputs>> edges = new ArrayList<>();
    for (byte[] plain : List.of(new byte[0], new byte[] {-1}, new byte[5000])) {
      for (byte[] key : List.of(ZEROS, ONES)) {
        for (byte[] ad : List.of(new byte[0], filled(64, (byte) 0x80))) {
          edges.add(edge(describe(plain, key, "associated data", ad), new Inputs(plain, key, ad)));
        }
      }
    }
    return PropertyCases.of(
        0x91e4_7c0a_3bd2_f568L,
        200,
        edges,
        random ->
            new Inputs(
                PropertyCases.bytes(random, 5000),
                PropertyCases.bytesOfLength(random, 32),
                PropertyCases.bytes(random, 64)));
  }

  @ParameterizedTest
  @MethodSource("roundTrips")
  void decryptInvertsEncrypt(Inputs in) throws Exception {
    PackageKey k = PackageKey.of(in.key());
    assertThat(
            PackageCipher.decrypt(PackageCipher.encrypt(in.plain(), k, in.extra()), k, in.extra()))
        .isEqualTo(in.plain());
  }

  static Stream<Named<Inputs>> salted() {
    List<Named<Inputs>> edges = new ArrayList<>();
    for (byte[] plain : List.of(new byte[0], new byte[3000])) {
      for (byte[] key : List.of(ZEROS, ONES)) {
        for (byte[] salt : List.of(ZEROS, ONES)) {
          edges.add(edge(describe(plain, key, "salt", salt), new Inputs(plain, key, salt)));
        }
      }
    }
    return PropertyCases.of(
        0x3a6d_f1b8_0e95_c247L,
        200,
        edges,
        random ->
            new Inputs(
                PropertyCases.bytes(random, 3000),
                PropertyCases.bytesOfLength(random, 32),
                PropertyCases.bytesOfLength(random, 32)));
  }

  @ParameterizedTest
  @MethodSource("salted")
  void sameSaltSameBytes(Inputs in) {
    PackageKey k = PackageKey.of(in.key());
    ByteString s = ByteString.of(in.extra());
    assertThat(PackageCipher.encrypt(in.plain(), k, new byte[0], s))
        .isEqualTo(PackageCipher.encrypt(in.plain(), k, new byte[0], s));
  }

  /** A plaintext, and a position and a mask to damage its ciphertext with. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared as a record
  record Damage(byte[] plain, int position, int mask) {}

  /**
   * Empty and longest plaintexts, with positions at both ends of the int range and at the first and
   * last byte of the ciphertext, and masks of the lowest, highest and every bit.
   */
  static Stream<Named<Damage>> flips() {
    List<Named<Damage>> edges = new ArrayList<>();
    for (byte[] plain : List.of(new byte[0], new byte[2000])) {
      List<Integer> positions = new ArrayList<>(PropertyCases.edgeInts(0, Integer.MAX_VALUE));
      positions.add(ciphertextLength(plain) - 1);
      for (int position : positions) {
        for (int mask : List.of(1, 0x80, 0xff)) {
          edges.add(
              edge(
                  "%d bytes, flip %#x at %d".formatted(plain.length, mask, position),
                  new Damage(plain, position, mask)));
        }
      }
    }
    return PropertyCases.of(
        0xe8b0_52c4_97a1_3f6dL,
        300,
        edges,
        random ->
            new Damage(
                PropertyCases.bytes(random, 2000),
                random.nextInt(0, Integer.MAX_VALUE),
                random.nextInt(1, 256)));
  }

  @ParameterizedTest
  @MethodSource("flips")
  void anyFlipFails(Damage d) {
    PackageKey k = PackageKey.generate();
    byte[] ct = PackageCipher.encrypt(d.plain(), k, new byte[0]);
    int i = d.position() % ct.length;
    ct[i] ^= (byte) d.mask();
    assertThatThrownBy(() -> PackageCipher.decrypt(ct, k, new byte[0]))
        .isInstanceOf(PackageIntegrityException.class);
  }

  /** A plaintext, and where to cut its ciphertext (modulo its length). */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared as a record
  record Cut(byte[] plain, int cut) {}

  /** Empty and longest plaintexts, cut at both ends of the int range and one byte short. */
  static Stream<Named<Cut>> truncations() {
    List<Named<Cut>> edges = new ArrayList<>();
    for (byte[] plain : List.of(new byte[0], new byte[2000])) {
      List<Integer> cuts = new ArrayList<>(PropertyCases.edgeInts(0, Integer.MAX_VALUE));
      cuts.add(ciphertextLength(plain) - 1);
      for (int cut : cuts) {
        edges.add(edge("%d bytes, cut at %d".formatted(plain.length, cut), new Cut(plain, cut)));
      }
    }
    return PropertyCases.of(
        0x5c27_a9e3_d06b_814fL,
        300,
        edges,
        random -> new Cut(PropertyCases.bytes(random, 2000), random.nextInt(0, Integer.MAX_VALUE)));
  }

  @ParameterizedTest
  @MethodSource("truncations")
  void anyTruncationFails(Cut c) {
    PackageKey k = PackageKey.generate();
    byte[] ct = PackageCipher.encrypt(c.plain(), k, new byte[0]);
    byte[] shorter = Arrays.copyOf(ct, c.cut() % ct.length);
    assertThatThrownBy(() -> PackageCipher.decrypt(shorter, k, new byte[0]))
        .isInstanceOf(PackageIntegrityException.class);
  }

  private static int ciphertextLength(byte[] plain) {
    return PackageCipher.encrypt(plain, PackageKey.generate(), new byte[0]).length;
  }

  private static String describe(byte[] plain, byte[] key, String what, byte[] extra) {
    return "%d bytes, key %s, %s %s"
        .formatted(
            plain.length,
            key[0] == 0 ? "0x00.." : "0xff..",
            what,
            HexFormat.of().formatHex(extra, 0, Math.min(4, extra.length))
                + ".. ("
                + extra.length
                + " bytes)");
  }

  private static byte[] filled(int n, byte value) {
    byte[] b = new byte[n];
    Arrays.fill(b, value);
    return b;
  }
}
