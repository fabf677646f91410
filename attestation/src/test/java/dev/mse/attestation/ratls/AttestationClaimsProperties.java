package dev.mse.attestation.ratls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AttestationClaims.State;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The claims codec is a bijection between valid claims and their canonical bytes: every value
 * round-trips, and any byte string the decoder accepts is exactly the encoding of what it returns
 * (so no second encoding of the same claims exists to confuse a verifier).
 */
class AttestationClaimsProperties {

  @Property
  void decodingAnEncodingGivesTheClaimsBack(@ForAll("claims") AttestationClaims claims)
      throws Exception {
    byte[] encoded = claims.encode().toByteArray();
    assertThat(AttestationClaims.decode(encoded)).isEqualTo(claims);
    assertThat(claims.reportData()).isEqualTo(AttestationClaims.reportDataOf(encoded));
  }

  @Property
  void whateverIsAcceptedIsCanonical(
      @ForAll("claims") AttestationClaims claims,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll byte replacement,
      @ForAll @IntRange(min = 0, max = 2) int edit) {
    byte[] encoded = claims.encode().toByteArray();
    int at = position % encoded.length;
    byte[] mutated =
        switch (edit) {
          case 0 -> {
            byte[] m = encoded.clone();
            m[at] = replacement;
            yield m;
          }
          case 1 -> {
            byte[] m = new byte[encoded.length + 1];
            System.arraycopy(encoded, 0, m, 0, at);
            m[at] = replacement;
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

  @Property
  void randomBytesAreRejectedWithTheTypedException(@ForAll byte[] data) {
    try {
      AttestationClaims decoded = AttestationClaims.decode(data);
      assertThat(Arrays.equals(decoded.encode().toByteArray(), data)).isTrue();
    } catch (ClaimsFormatException rejected) {
      // expected
    }
  }

  @Provide
  Arbitrary<AttestationClaims> claims() {
    return Arbitraries.randomValue(AttestationClaimsProperties::randomClaims);
  }

  private static AttestationClaims randomClaims(Random random) {
    return new AttestationClaims(
        bytes(random, 32),
        random.nextBoolean() ? Optional.of(bytes(random, random.nextInt(65))) : Optional.empty(),
        new UUID(random.nextLong(), random.nextLong()),
        bytes(random, 32),
        random.nextBoolean() ? Optional.of(bytes(random, 32)) : Optional.empty(),
        bytes(random, 32),
        SslOrigin.values()[random.nextInt(SslOrigin.values().length)],
        domain(random),
        Instant.ofEpochSecond(
            random.nextInt(4) == 0
                ? random.nextInt(300)
                : random.nextLong(AttestationClaims.MAX_EXPIRES.getEpochSecond() + 1)),
        bytes(random, 32),
        "1." + random.nextInt(100) + "." + random.nextInt(1000),
        State.values()[random.nextInt(State.values().length)]);
  }

  private static String domain(Random random) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789.-_:";
    int length = 1 + (random.nextInt(8) == 0 ? random.nextInt(253) : random.nextInt(30));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static ByteString bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return ByteString.of(b);
  }
}
