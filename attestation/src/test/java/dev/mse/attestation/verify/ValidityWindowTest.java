package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.testing.DcapVectors.Vector;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * At the two ends of each vector's common validity window the evidence still verifies; one second
 * outside, the item that binds that end fails its validity check, and nothing else does.
 */
class ValidityWindowTest {
  private final QuoteVerifier verifier = QuoteVerifier.full();

  static Stream<Vector> vectors() {
    return DcapVectors.all().stream().filter(Vector::timeConsistent);
  }

  private static Instant start(Vector v) {
    return Instant.parse(v.expected().get("collateral_common_validity_window").get(0).asString());
  }

  private static Instant end(Vector v) {
    return Instant.parse(v.expected().get("collateral_common_validity_window").get(1).asString());
  }

  private static boolean onlyValidityFails(Appraisal a) {
    return a.reasons().stream().allMatch(r -> r.check() == Check.TCB_LEVEL);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void verifiesOnBothEdgesOfTheWindow(Vector v) {
    assertThat(
            onlyValidityFails(
                verifier.verify(v.quote(), v.collateral(), Policies.evidenceOnly(), start(v))))
        .isTrue();
    assertThat(
            onlyValidityFails(
                verifier.verify(v.quote(), v.collateral(), Policies.evidenceOnly(), end(v))))
        .isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void failsOneSecondBeforeTheWindowOpens(Vector v) {
    Appraisal a =
        verifier.verify(
            v.quote(), v.collateral(), Policies.evidenceOnly(), start(v).minusSeconds(1));
    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons())
        .extracting(Reason::check)
        .filteredOn(c -> c != Check.TCB_LEVEL)
        .isNotEmpty()
        .allMatch(c -> c.name().endsWith("_VALIDITY"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void failsOneSecondAfterTheWindowCloses(Vector v) {
    Appraisal a =
        verifier.verify(v.quote(), v.collateral(), Policies.evidenceOnly(), end(v).plusSeconds(1));
    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons())
        .extracting(Reason::check)
        .filteredOn(c -> c != Check.TCB_LEVEL)
        .isNotEmpty()
        .allMatch(c -> c.name().endsWith("_VALIDITY"));
  }
}
