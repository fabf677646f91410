package dev.mse.attestation.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.snp.SnpFormatException;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.attestation.snp.VekExtensionParser;
import java.security.cert.CertificateException;

/**
 * Feeds arbitrary bytes to the SEV-SNP report parser and to the VCEK/VLEK extension parser (through
 * the certificate reader, as the verifier gets them). Only the documented checked exceptions may
 * come out. Without {@code JAZZER_FUZZ} this replays {@code SnpParsersFuzzTestInputs}; to fuzz:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=2m ./mvnw -pl attestation test
 * -Dtest='SnpParsersFuzzTest#report'}.
 */
class SnpParsersFuzzTest {

  @FuzzTest
  void report(byte[] data) {
    try {
      SnpReportParser.parse(data);
    } catch (SnpFormatException rejected) {
      // the documented outcome for malformed input
    }
  }

  @FuzzTest
  void vekExtensions(byte[] data) {
    try {
      VekExtensionParser.parse(X509Codec.certificate(data));
    } catch (CertificateException | SnpFormatException rejected) {
      // the documented outcome for malformed input
    }
  }
}
