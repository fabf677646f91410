package dev.mse.attestation.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mse.attestation.pck.PckExtensionException;
import dev.mse.attestation.pck.PckExtensionParser;

/**
 * Feeds arbitrary bytes to the PCK extension parser as if they were the SGX extension's value. Only
 * {@link PckExtensionException} may come out; any other throwable is a finding. Without {@code
 * JAZZER_FUZZ} this replays the seeds and past findings in {@code PckExtensionFuzzTestInputs}.
 *
 * <p>Jazzer instruments only this project's classes by default, but most of the parsing here is
 * BouncyCastle's, so fuzz with {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=2m
 * JAZZER_INSTRUMENTATION_INCLUDES='dev.mse.**:org.bouncycastle.asn1.**' ./mvnw -pl attestation test
 * -Dtest=PckExtensionFuzzTest}.
 */
class PckExtensionFuzzTest {

  @FuzzTest
  void parse(byte[] extensionValue) {
    try {
      PckExtensionParser.parse(extensionValue);
    } catch (PckExtensionException rejected) {
      // the documented outcome for malformed input
    }
  }
}
