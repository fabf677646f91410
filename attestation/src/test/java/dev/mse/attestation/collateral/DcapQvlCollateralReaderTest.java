package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.testing.TestVectors;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class DcapQvlCollateralReaderTest {
  private static final String SGX = "sgx/dcap-qvl/sgx_quote_collateral.json";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ObjectNode file(String name) {
    return (ObjectNode) JSON.readTree(TestVectors.bytes(name));
  }

  private static Collateral read(JsonNode json) throws CollateralFormatException {
    return DcapQvlCollateralReader.read(ByteString.of(JSON.writeValueAsBytes(json)));
  }

  @Test
  void keepsTheSignedTextsExactlyAsTheFileHoldsThem() throws Exception {
    ObjectNode json = file(SGX);

    Collateral collateral = read(json);

    assertThat(collateral.tcbInfo().body())
        .isEqualTo(ByteString.of(json.get("tcb_info").asString().getBytes(StandardCharsets.UTF_8)));
    assertThat(collateral.tcbInfo().signature())
        .isEqualTo(ByteString.fromHex(json.get("tcb_info_signature").asString()));
    assertThat(collateral.qeIdentity().body())
        .isEqualTo(
            ByteString.of(json.get("qe_identity").asString().getBytes(StandardCharsets.UTF_8)));
    assertThat(collateral.pckCrl().getIssuerX500Principal().getName())
        .contains("Intel SGX PCK Processor CA");
    assertThat(collateral.pckCrlIssuerChain()).hasSize(2);
    assertThat(collateral.tcbInfoIssuerChain()).hasSize(2);
  }

  @Test
  void readsTheTdxFilesToo() throws Exception {
    for (String name :
        new String[] {
          "tdx/dcap-qvl/tdx_quote_collateral.json",
          "tdx/dcap-qvl/tdx_quote_outdated_collateral.json"
        }) {
      Collateral collateral = DcapQvlCollateralReader.read(CollateralSets.bytes(name));

      assertThat(TcbInfoParser.parse(collateral.tcbInfo().body()).isTdx()).as(name).isTrue();
    }
  }

  @Test
  void acceptsUpperCaseHexAndIgnoresUnknownFieldsLikeDcapQvl() throws Exception {
    ObjectNode json = file(SGX);
    json.put("pck_crl", json.get("pck_crl").asString().toUpperCase(java.util.Locale.ROOT));
    json.put("pck_certificate_chain", "-----BEGIN CERTIFICATE-----");

    assertThat(read(json).pckCrl()).isEqualTo(read(file(SGX)).pckCrl());
  }

  @Test
  void rejectsByteFieldsThatAreNotPlainHex() {
    ObjectNode prefixed = file(SGX);
    prefixed.put("root_ca_crl", "0x" + prefixed.get("root_ca_crl").asString());
    ObjectNode shortSignature = file(SGX);
    shortSignature.put("tcb_info_signature", "abcd");
    ObjectNode arraySignature = file(SGX);
    arraySignature.putArray("qe_identity_signature").add(1);

    assertThatThrownBy(() -> read(prefixed))
        .hasMessageContaining("collateral.root_ca_crl: not a hex digit");
    assertThatThrownBy(() -> read(shortSignature))
        .hasMessageContaining("collateral.tcb_info_signature: expected 64 bytes");
    assertThatThrownBy(() -> read(arraySignature))
        .hasMessageContaining("collateral.qe_identity_signature: expected a string");
  }

  @Test
  void rejectsAMissingPartOrABrokenSignedText() {
    ObjectNode missing = file(SGX);
    missing.remove("pck_crl");
    ObjectNode broken = file(SGX);
    broken.put("qe_identity", broken.get("qe_identity").asString().replace("\"QE\"", "\"XE\""));
    ObjectNode badChain = file(SGX);
    badChain.put(
        "tcb_info_issuer_chain", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> read(missing)).hasMessage("collateral.pck_crl: missing");
    assertThatThrownBy(() -> read(broken)).hasMessageContaining("enclaveIdentity.id");
    assertThatThrownBy(() -> read(badChain))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining("collateral.tcb_info_issuer_chain");
  }
}
