package dev.mse.attestation.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mse.attestation.nitro.NitroDocumentParser;
import dev.mse.attestation.nitro.NitroFormatException;

/**
 * Feeds arbitrary bytes to the Nitro attestation document parser (COSE_Sign1 and its CBOR payload).
 * Only {@link NitroFormatException} may come out. Without {@code JAZZER_FUZZ} this replays {@code
 * NitroDocumentFuzzTestInputs}; to fuzz: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=2m ./mvnw -pl
 * attestation test -Dtest='NitroDocumentFuzzTest#parse'}.
 */
class NitroDocumentFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    try {
      NitroDocumentParser.parse(data);
    } catch (NitroFormatException rejected) {
      // the documented outcome for malformed input
    }
  }
}
