package dev.mse.attestation.ratls;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.attestation.testing.PropertyCases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The claims codec is a bijection between valid claims and their canonical bytes: every value
 * round-trips, and any byte string the decoder accepts is exactly the encoding of what it returns
 * (so no second encoding of the same claims exists to confuse a verifier).
 */
class AttestationClaimsProperties {

  static Stream<Named<AttestationClaims>> claims() {
    return PropertyCases.of(
        0x2e91_c04b_7fa3_6d58L,
        1000,
        List.of(edge("smallest", extremeClaims(false)), edge("largest", extremeClaims(true))),
        AttestationClaimsProperties::randomClaims);
  }

  /** Every field at its low end (zeros, absent, shortest), or at its high end. */
  private static AttestationClaims extremeClaims(boolean high) {
    byte fill = high ? (byte) 0xff : 0;
    return new AttestationClaims(
        filled(32, fill),
        high ? Optional.of(filled(64, fill)) : Optional.empty(),
        new UUID(fill, fill),
        filled(32, fill),
        high ? Optional.of(filled(32, fill)) : Optional.empty(),
        filled(32, fill),
        List.of(SslOrigin.values()).get(high ? SslOrigin.values().length - 1 : 0),
        List.of(AppTls.values()).get(high ? AppTls.values().length - 1 : 0),
        high ? "z".repeat(253) : "a",
        high ? AttestationClaims.MAX_EXPIRES : Instant.EPOCH,
        filled(32, fill),
        high ? "1.99.999" : "1.0.0",
        List.of(State.values()).get(high ? State.values().length - 1 : 0));
  }

  private static ByteString filled(int n, byte value) {
    byte[] b = new byte[n];
    Arrays.fill(b, value);
    return ByteString.of(b);
  }

  @ParameterizedTest
  @MethodSource("claims")
  void decodingAnEncodingGivesTheClaimsBack(AttestationClaims claims) throws Exception {
    byte[] encoded = claims.encode().toByteArray();
    assertThat(AttestationClaims.decode(encoded)).isEqualTo(claims);
    assertThat(claims.reportData()).isEqualTo(AttestationClaims.reportDataOf(encoded));
  }

  /**
   * Replaces ({@code edit} 0), inserts (1) or deletes (2) the byte at {@code position} modulo the
   * encoding's length.
   */
  record Edit(AttestationClaims claims, int position, byte replacement, int edit) {}

  static Stream<Named<Edit>> edits() {
    AttestationClaims fixed = randomClaims(new SplittableRandom(0x5a17L));
    List<Named<Edit>> edges = new ArrayList<>();
    for (int position : PropertyCases.edgeInts(0, 10_000)) {
      for (int edit = 0; edit <= 2; edit++) {
        for (byte replacement : new byte[] {0, -1}) {
          edges.add(
              edge(
                  "edit " + edit + " at " + position + " with " + replacement,
                  new Edit(fixed, position, replacement, edit)));
        }
      }
    }
    return PropertyCases.of(
        0x63d0_1fa8_b245_9e07L,
        1000,
        edges,
        random ->
            new Edit(
                randomClaims(random),
                random.nextInt(0, 10_001),
                (byte) random.nextInt(-128, 128),
                random.nextInt(0, 3)));
  }

  @ParameterizedTest
  @MethodSource("edits")
  void whateverIsAcceptedIsCanonical(Edit e) {
    byte[] encoded = e.claims().encode().toByteArray();
    int at = e.position() % encoded.length;
    byte[] mutated =
        switch (e.edit()) {
          case 0 -> {
            byte[] m = encoded.clone();
            m[at] = e.replacement();
            yield m;
          }
          case 1 -> {
            byte[] m = new byte[encoded.length + 1];
            System.arraycopy(encoded, 0, m, 0, at);
            m[at] = e.replacement();
            System.arraycopy(encoded, at, m, at + 1, encoded.length - at);
            yield m;
          }
          default -> {
            byte[] m = new byte[encoded.length - 1];
            System.arraycopy(encoded, 0, m, 0, at);
            System.arraycopy(encoded, at + 1, m, at, encoded.length - at - 1);
            yield m;
          }
        };
    try {
      AttestationClaims decoded = AttestationClaims.decode(mutated);
      assertThat(decoded.encode().toByteArray()).isEqualTo(mutated);
    } catch (ClaimsFormatException rejected) {
      // the expected outcome for most edits
    }
  }

  /** Up to 255 bytes, the bound this property always had (its former generator's default). */
  static Stream<Named<byte[]>> randomBytes() {
    return PropertyCases.of(
        0x0b7f_e2c6_4d19_a835L,
        1000,
        PropertyCases.edgeByteArrays(255),
        random -> PropertyCases.bytes(random, 255));
  }

  @ParameterizedTest
  @MethodSource("randomBytes")
  void randomBytesAreRejectedWithTheTypedException(byte[] data) {
    try {
      AttestationClaims decoded = AttestationClaims.decode(data);
      assertThat(Arrays.equals(decoded.encode().toByteArray(), data)).isTrue();
    } catch (ClaimsFormatException rejected) {
      // expected
    }
  }

  private static AttestationClaims randomClaims(SplittableRandom random) {
    return new AttestationClaims(
        bytes(random, 32),
        random.nextBoolean() ? Optional.of(bytes(random, random.nextInt(65))) : Optional.empty(),
        new UUID(random.nextLong(), random.nextLong()),
        bytes(random, 32),
        random.nextBoolean() ? Optional.of(bytes(random, 32)) : Optional.empty(),
        bytes(random, 32),
        List.of(SslOrigin.values()).get(random.nextInt(SslOrigin.values().length)),
        List.of(AppTls.values()).get(random.nextInt(AppTls.values().length)),
        domain(random),
        Instant.ofEpochSecond(
            random.nextInt(4) == 0
                ? random.nextInt(300)
                : random.nextLong(AttestationClaims.MAX_EXPIRES.getEpochSecond() + 1)),
        bytes(random, 32),
        "1." + random.nextInt(100) + "." + random.nextInt(1000),
        List.of(State.values()).get(random.nextInt(State.values().length)));
  }

  private static String domain(SplittableRandom random) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789.-_:";
    int length = 1 + (random.nextInt(8) == 0 ? random.nextInt(253) : random.nextInt(30));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static ByteString bytes(SplittableRandom random, int n) {
    return ByteString.of(PropertyCases.bytesOfLength(random, n));
  }
}
