package dev.mse.enclave.tee;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.TeeKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationBackendTest {
  private static final ByteString MEASUREMENT = ByteString.fromHex("42".repeat(32));

  @Test
  void quotesCarryTheMeasurementAndVerifyOnlyAsSimulated(@TempDir Path dir) throws Exception {
    var tee = new SimulationBackend(MEASUREMENT, dir.resolve("sim.key"), Clock.systemUTC());
    ByteString reportData = ByteString.fromHex("01".repeat(64));

    Appraisal a =
        QuoteVerifier.full()
            .verify(
                tee.quote(reportData),
                tee.collateral().orElseThrow(),
                AppraisalPolicy.defaults().withAllowSimulation(true),
                Instant.now());

    assertThat(a.accepted()).isTrue();
    assertThat(a.tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(a.measurements()).containsEntry("mrenclave", MEASUREMENT.hex());
    assertThat(a.reportData()).contains(reportData);
  }

  @Test
  void theSealingKeyIsStableForOneMeasurementAndDiffersForAnother(@TempDir Path dir)
      throws Exception {
    Path keyFile = dir.resolve("sim.key");
    var first =
        new SimulationBackend(MEASUREMENT, keyFile, Clock.systemUTC()).sealingKey().orElseThrow();
    var again =
        new SimulationBackend(MEASUREMENT, keyFile, Clock.systemUTC()).sealingKey().orElseThrow();
    var other =
        new SimulationBackend(ByteString.fromHex("43".repeat(32)), keyFile, Clock.systemUTC())
            .sealingKey()
            .orElseThrow();

    assertThat(again.getEncoded()).isEqualTo(first.getEncoded());
    assertThat(other.getEncoded()).isNotEqualTo(first.getEncoded());
    assertThat(Files.getPosixFilePermissions(keyFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }
}
