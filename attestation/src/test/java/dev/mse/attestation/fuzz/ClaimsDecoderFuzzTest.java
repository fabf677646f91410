package dev.mse.attestation.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.ClaimsFormatException;
import java.util.Arrays;

/**
 * Feeds arbitrary bytes to the attestation claims decoder. Only {@link ClaimsFormatException} may
 * come out, and whatever is accepted must be the canonical encoding of what was decoded (the
 * decoder admits no second encoding of the same claims). Without {@code JAZZER_FUZZ} this replays
 * the seeds and past findings in {@code ClaimsDecoderFuzzTestInputs}.
 *
 * <p>Fuzz with {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=1m ./mvnw -pl attestation test
 * -Dtest='ClaimsDecoderFuzzTest#decode'}.
 */
class ClaimsDecoderFuzzTest {

  @FuzzTest
  void decode(byte[] data) {
    AttestationClaims claims;
    try {
      claims = AttestationClaims.decode(data);
    } catch (ClaimsFormatException rejected) {
      return;
    }
    if (!Arrays.equals(claims.encode().toByteArray(), data)) {
      throw new IllegalStateException("accepted a non-canonical encoding of " + claims);
    }
  }
}
