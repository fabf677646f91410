package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.testing.DcapVectors.Vector;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every byte of the signed region of every real quote, flipped in turn, gets the quote rejected.
 */
class SignedRegionExhaustiveTest {
  private static final QuoteVerifier VERIFIER = QuoteVerifier.cached();

  static Stream<Vector> vectors() {
    return DcapVectors.all().stream().filter(Vector::timeConsistent);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void everyFlippedByteOfTheSignedRegionIsRejected(Vector v) throws Exception {
    int signed = QuoteParser.parse(v.quote()).signedRegion().size();
    List<Integer> accepted = new ArrayList<>();
    for (int offset = 0; offset < signed; offset++) {
      byte[] quote = v.quote().clone();
      quote[offset] ^= (byte) 0xff;
      Appraisal a = VERIFIER.verify(quote, v.collateral(), Policies.evidenceOnly(), v.at());
      if (a.accepted() || !(a.failed(Check.QUOTE_SIGNATURE) || a.failed(Check.QUOTE_FORMAT))) {
        accepted.add(offset);
      }
    }
    assertThat(accepted).as("offsets whose flip was not caught by the signature").isEmpty();
  }
}
