package dev.mse.attestation.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralFormatException;
import dev.mse.attestation.collateral.CollateralReader;
import dev.mse.attestation.collateral.PcsResponseReader;
import dev.mse.attestation.collateral.QeIdentityParser;
import dev.mse.attestation.collateral.SignedJson;
import dev.mse.attestation.collateral.TcbInfoParser;
import java.util.Arrays;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzz targets for everything that reads collateral from outside: a reader may accept its input or
 * throw {@link CollateralFormatException}, nothing else. In a normal build the seeds and kept
 * crashers under {@code CollateralParsersFuzzTestInputs/<method>/} run as regression tests; with
 * {@code JAZZER_FUZZ=1} and one method selected the target is fuzzed for {@code maxDuration}.
 */
class CollateralParsersFuzzTest {
  private static final JsonMapper PLAIN_JSON = JsonMapper.builder().build();

  @FuzzTest(maxDuration = "2m")
  void tcbInfo(byte[] data) {
    try {
      TcbInfoParser.parse(ByteString.of(data));
    } catch (CollateralFormatException expected) {
      // Rejected as malformed: the only allowed failure.
    }
  }

  @FuzzTest(maxDuration = "2m")
  void qeIdentity(byte[] data) {
    try {
      QeIdentityParser.parse(ByteString.of(data));
    } catch (CollateralFormatException expected) {
      // Rejected as malformed: the only allowed failure.
    }
  }

  /**
   * Besides not failing unexpectedly, an extracted body must be a byte range of the response that
   * is itself one JSON object: the signed bytes are cut out, never rebuilt.
   */
  @FuzzTest(maxDuration = "2m")
  void pcsResponse(byte[] data) {
    ByteString response = ByteString.of(data);
    try {
      SignedJson signed = PcsResponseReader.tcbInfo(response);
      assertCutFrom(data, signed.body());
      TcbInfoParser.parse(signed.body());
    } catch (CollateralFormatException expected) {
      // Rejected as malformed: the only allowed failure.
    }
    try {
      SignedJson signed = PcsResponseReader.enclaveIdentity(response);
      assertCutFrom(data, signed.body());
      QeIdentityParser.parse(signed.body());
    } catch (CollateralFormatException expected) {
      // Rejected as malformed: the only allowed failure.
    }
  }

  private static void assertCutFrom(byte[] response, ByteString body) {
    byte[] bytes = body.toByteArray();
    boolean found = false;
    for (int i = 0; !found && i + bytes.length <= response.length; i++) {
      found = Arrays.equals(response, i, i + bytes.length, bytes, 0, bytes.length);
    }
    if (!found) {
      throw new AssertionError("extracted body is not a byte range of the response");
    }
    JsonNode parsed = PLAIN_JSON.readTree(bytes);
    if (!parsed.isObject()) {
      throw new AssertionError("extracted body is not one JSON object");
    }
  }

  @FuzzTest(maxDuration = "2m")
  void collateralFile(byte[] data) {
    try {
      CollateralReader.read(ByteString.of(data));
    } catch (CollateralFormatException expected) {
      // Rejected as malformed: the only allowed failure.
    }
  }
}
