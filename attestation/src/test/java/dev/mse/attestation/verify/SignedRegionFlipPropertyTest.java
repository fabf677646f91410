package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.testing.DcapVectors.Vector;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Flipping any bit of any byte of the signed region of a real quote gets it rejected. */
class SignedRegionFlipPropertyTest {
  private static final List<Vector> VECTORS =
      DcapVectors.all().stream().filter(Vector::timeConsistent).toList();
  private static final QuoteVerifier VERIFIER = QuoteVerifier.cached();

  record Flip(Vector vector, int offset, int mask) {}

  @Provide
  Arbitrary<Flip> flips() {
    return Arbitraries.of(VECTORS)
        .flatMap(
            v -> {
              int signed = signedLength(v.quote());
              return Combinators.combine(
                      Arbitraries.integers().between(0, signed - 1),
                      Arbitraries.integers().between(0, 7))
                  .as((offset, bit) -> new Flip(v, offset, 1 << bit));
            });
  }

  private static int signedLength(byte[] quote) {
    try {
      return QuoteParser.parse(quote).signedRegion().size();
    } catch (QuoteFormatException e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 400)
  void anyBitFlipInTheSignedRegionIsRejected(@ForAll("flips") Flip flip) {
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
