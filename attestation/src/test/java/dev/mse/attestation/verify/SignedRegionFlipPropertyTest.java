package dev.mse.attestation.verify;

import static dev.mse.attestation.testing.PropertyCases.edge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.testing.DcapVectors.Vector;
import dev.mse.attestation.testing.PropertyCases;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Flipping any bit of any byte of the signed region of a real quote gets it rejected. */
class SignedRegionFlipPropertyTest {
  private static final List<Vector> VECTORS =
      DcapVectors.all().stream().filter(Vector::timeConsistent).toList();
  private static final QuoteVerifier VERIFIER = QuoteVerifier.cached();

  record Flip(Vector vector, int offset, int mask) {}

  /** Each vector's first and last signed byte, lowest and highest bit, then random flips. */
  static Stream<Named<Flip>> flips() {
    List<Named<Flip>> edges = new ArrayList<>();
    for (Vector v : VECTORS) {
      int signed = signedLength(v.quote());
      for (int offset : List.of(0, signed - 1)) {
        for (int bit : List.of(0, 7)) {
          edges.add(
              edge(v.id() + ": byte " + offset + " bit " + bit, new Flip(v, offset, 1 << bit)));
        }
      }
    }
    return PropertyCases.of(
        0xf06b_3d92_7a1c_e845L,
        400,
        edges,
        random -> {
          Vector v = VECTORS.get(random.nextInt(VECTORS.size()));
          return new Flip(v, random.nextInt(signedLength(v.quote())), 1 << random.nextInt(8));
        });
  }

  private static int signedLength(byte[] quote) {
    try {
      return QuoteParser.parse(quote).signedRegion().size();
    } catch (QuoteFormatException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("flips")
  void anyBitFlipInTheSignedRegionIsRejected(Flip flip) {
    byte[] quote = flip.vector().quote().clone();
    quote[flip.offset()] ^= (byte) flip.mask();

    Appraisal a =
        VERIFIER.verify(
            quote, flip.vector().collateral(), Policies.evidenceOnly(), flip.vector().at());

    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons())
        .extracting(Reason::check)
        .containsAnyOf(Check.QUOTE_SIGNATURE, Check.QUOTE_FORMAT);
  }
}
