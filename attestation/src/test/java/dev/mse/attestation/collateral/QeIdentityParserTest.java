package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QeIdentityParserTest {
  private static final String SGX_QE = "sgx/automata/0825/sgx_qeidentity_v4.json";

  private static String text(String file) throws CollateralFormatException {
    return new String(
        PcsResponseReader.enclaveIdentity(CollateralSets.bytes(file)).body().toByteArray(),
        StandardCharsets.UTF_8);
  }

  private static QeIdentity parse(String body) throws CollateralFormatException {
    return QeIdentityParser.parse(ByteString.of(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsTheSgxQuotingEnclaveIdentity() throws Exception {
    QeIdentity qe = parse(text(SGX_QE));

    assertThat(qe.id()).isEqualTo("QE");
    assertThat(qe.version()).isEqualTo(2);
    assertThat(qe.issueDate()).isEqualTo(Instant.parse("2025-08-15T04:36:46Z"));
    assertThat(qe.mrSigner())
        .isEqualTo(
            ByteString.fromHex("8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff"));
    assertThat(qe.isvProdId()).isEqualTo(1);
    assertThat(qe.miscSelect()).isEqualTo(ByteString.fromHex("00000000"));
    assertThat(qe.miscSelectMask()).isEqualTo(ByteString.fromHex("FFFFFFFF"));
    assertThat(qe.attributes()).isEqualTo(ByteString.fromHex("11000000000000000000000000000000"));
    assertThat(qe.attributesMask())
        .isEqualTo(ByteString.fromHex("FBFFFFFFFFFFFFFF0000000000000000"));
    assertThat(qe.tcbLevels().getFirst().isvSvn()).isEqualTo(8);
    assertThat(qe.tcbLevels().getFirst().tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(qe.tcbLevels().get(1).advisoryIds()).containsExactly("INTEL-SA-00615");
  }

  @Test
  void readsTheTdxQuotingEnclaveIdentity() throws Exception {
    QeIdentity qe = parse(text("tdx/automata/0625/qe_td.json"));

    assertThat(qe.id()).isEqualTo("TD_QE");
    assertThat(qe.isvProdId()).isEqualTo(2);
    assertThat(qe.mrSigner().hex())
        .isEqualTo("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"id\":\"QE\" | \"id\":\"PCE\" | enclaveIdentity.id: expected QE, TD_QE or QVE",
        "\"version\":2 | \"version\":1 | enclaveIdentity.version: unsupported version 1",
        "\"miscselect\":\"00000000\" | \"miscselect\":\"0000\" | enclaveIdentity.miscselect: expected 4 bytes",
        "\"attributes\":\"11000000000000000000000000000000\" | \"attributes\":\"11\""
            + " | enclaveIdentity.attributes: expected 16 bytes",
        "\"mrsigner\":\"8C | \"mrsigner\":\"8C8C | enclaveIdentity.mrsigner: expected 32 bytes",
        "\"isvprodid\":1 | \"isvprodid\":70000 | enclaveIdentity.isvprodid: 70000 is out of range",
        "\"isvsvn\":8 | \"isvsvn\":-8 | enclaveIdentity.tcbLevels[0].tcb.isvsvn: -8 is out of range",
        "\"tcbStatus\":\"UpToDate\" | \"tcbStatus\":\"uptodate\""
            + " | enclaveIdentity.tcbLevels[0].tcbStatus: unknown TCB status",
        "\"tcb\":{\"isvsvn\":8} | \"tcb\":[8] | enclaveIdentity.tcbLevels[0].tcb: expected an object",
        "\"tcbLevels\":[ | \"tcbLevels\":\"none\",\"x\":[ | enclaveIdentity.tcbLevels: expected an array",
      })
  void rejectsAMalformedFieldByName(String original, String replacement, String message)
      throws Exception {
    String body = text(SGX_QE);
    assertThat(body).contains(original);

    assertThatThrownBy(() -> parse(body.replaceFirst(Pattern.quote(original), replacement + "")))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejectsAMissingSigner() throws Exception {
    String body = text(SGX_QE).replaceFirst("\"mrsigner\":\"[0-9A-F]+\",", "");

    assertThatThrownBy(() -> parse(body)).hasMessageContaining("enclaveIdentity.mrsigner: missing");
  }
}
