package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every collateral set used by a DCAP vector of EXPECTED.json reads, and reads as expected. */
class CollateralVectorsTest {
  static Stream<CollateralSets.VectorCollateral> vectors() {
    return CollateralSets.vectors().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void tcbInfoFieldsMatchExpected(CollateralSets.VectorCollateral vector) throws Exception {
    TcbInfo tcbInfo = TcbInfoParser.parse(vector.read().tcbInfo().body());
    JsonNode expected = vector.expected().get("tcb_info");

    assertThat(tcbInfo.id()).isEqualTo(expected.get("id").asString());
    assertThat(tcbInfo.version()).isEqualTo(expected.get("version").asInt());
    assertThat(tcbInfo.issueDate()).isEqualTo(Instant.parse(expected.get("issueDate").asString()));
    assertThat(tcbInfo.nextUpdate())
        .isEqualTo(Instant.parse(expected.get("nextUpdate").asString()));
    assertThat(tcbInfo.fmspc()).isEqualTo(ByteString.fromHex(expected.get("fmspc").asString()));
    assertThat(tcbInfo.pceId()).isEqualTo(ByteString.fromHex(expected.get("pceId").asString()));
    assertThat(tcbInfo.tcbType()).isEqualTo(expected.get("tcbType").asInt());
    assertThat(tcbInfo.tcbEvaluationDataNumber())
        .isEqualTo(expected.get("tcbEvaluationDataNumber").asLong());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void qeIdentityFieldsMatchExpected(CollateralSets.VectorCollateral vector) throws Exception {
    QeIdentity qeIdentity = QeIdentityParser.parse(vector.read().qeIdentity().body());
    JsonNode expected = vector.expected().get("qe_identity");

    assertThat(qeIdentity.id()).isEqualTo(expected.get("id").asString());
    assertThat(qeIdentity.version()).isEqualTo(expected.get("version").asInt());
    assertThat(qeIdentity.issueDate())
        .isEqualTo(Instant.parse(expected.get("issueDate").asString()));
    assertThat(qeIdentity.nextUpdate())
        .isEqualTo(Instant.parse(expected.get("nextUpdate").asString()));
    assertThat(qeIdentity.tcbEvaluationDataNumber())
        .isEqualTo(expected.get("tcbEvaluationDataNumber").asLong());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void everyPartIsPresent(CollateralSets.VectorCollateral vector) throws Exception {
    Collateral collateral = vector.read();

    assertThat(collateral.tcbInfo().signature().size()).isEqualTo(64);
    assertThat(collateral.qeIdentity().signature().size()).isEqualTo(64);
    assertThat(collateral.tcbInfoIssuerChain().getFirst().getSubjectX500Principal().getName())
        .contains("CN=Intel SGX TCB Signing");
    assertThat(collateral.qeIdentityIssuerChain().getFirst().getSubjectX500Principal().getName())
        .contains("CN=Intel SGX TCB Signing");
    assertThat(collateral.rootCaCrl().getIssuerX500Principal().getName())
        .contains("CN=Intel SGX Root CA");
    assertThat(collateral.pckCrl().getIssuerX500Principal().getName())
        .containsPattern("CN=Intel SGX PCK (Platform|Processor) CA");
    assertThat(collateral.pckCrlIssuerChain().getFirst().getSubjectX500Principal())
        .isEqualTo(collateral.pckCrl().getIssuerX500Principal());
  }
}
