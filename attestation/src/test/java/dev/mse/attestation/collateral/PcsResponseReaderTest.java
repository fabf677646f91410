package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PcsResponseReaderTest {
  private static final String TCB_INFO = "tdx/automata/0625/tcbinfov3_00806f050000.json";

  private static ByteString utf8(String text) {
    return ByteString.of(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String response() {
    return new String(CollateralSets.bytes(TCB_INFO).toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void extractsTheExactSignedSubstring() throws Exception {
    String response = response();
    String expectedBody =
        response.substring("{\"tcbInfo\":".length(), response.indexOf(",\"signature\":\""));

    SignedJson signed = PcsResponseReader.tcbInfo(utf8(response));

    assertThat(new String(signed.body().toByteArray(), StandardCharsets.UTF_8))
        .isEqualTo(expectedBody);
    assertThat(signed.signature().size()).isEqualTo(64);
    assertThat(response).endsWith(signed.signature().hex() + "\"}");
  }

  @Test
  void whitespaceInsideTheSignedObjectChangesTheBody() throws Exception {
    String response = response();
    SignedJson original = PcsResponseReader.tcbInfo(utf8(response));

    SignedJson spaced =
        PcsResponseReader.tcbInfo(utf8(response.replaceFirst("\"id\":\"TDX\"", "\"id\": \"TDX\"")));

    assertThat(spaced.body()).isNotEqualTo(original.body());
    assertThat(spaced.body().size()).isEqualTo(original.body().size() + 1);
    assertThat(spaced.signature()).isEqualTo(original.signature());
  }

  @Test
  void whitespaceOutsideTheSignedObjectDoesNotChangeTheBody() throws Exception {
    String response = response();
    SignedJson original = PcsResponseReader.tcbInfo(utf8(response));
    String padded =
        "\n  { \"tcbInfo\" :\t"
            + response.substring("{\"tcbInfo\":".length(), response.indexOf(",\"signature\""))
            + " ,\n \"signature\" : "
            + response.substring(response.indexOf("\"signature\":") + 12, response.length() - 1)
            + "\n}\n";

    assertThat(PcsResponseReader.tcbInfo(utf8(padded))).isEqualTo(original);
  }

  @Test
  void keepsTheRealResponseWithATrailingNewline() throws Exception {
    ByteString response = CollateralSets.bytes("tdx/trustee/tcbInfo.json");

    SignedJson signed = PcsResponseReader.tcbInfo(response);

    assertThat(signed.body().byteAt(0)).isEqualTo((byte) '{');
    assertThat(signed.body().byteAt(signed.body().size() - 1)).isEqualTo((byte) '}');
    assertThat(response.size() - signed.body().size())
        .isEqualTo("{\"tcbInfo\":,\"signature\":\"\"}\n".length() + 128);
  }

  @Test
  void acceptsTheSignatureBeforeTheBodyAndIgnoresOtherFields() throws Exception {
    SignedJson signed =
        PcsResponseReader.enclaveIdentity(
            utf8("{\"signature\":\"" + "ab".repeat(64) + "\",\"x\":[1],\"enclaveIdentity\":{ }}"));

    assertThat(signed.body()).isEqualTo(utf8("{ }"));
    assertThat(signed.signature()).isEqualTo(ByteString.fromHex("ab".repeat(64)));
  }

  @Test
  void readsTheEnclaveIdentityOfAPcsResponse() throws Exception {
    SignedJson signed =
        PcsResponseReader.enclaveIdentity(CollateralSets.bytes("tdx/automata/0625/qe_td.json"));

    assertThat(QeIdentityParser.parse(signed.body()).id()).isEqualTo("TD_QE");
  }

  @Test
  void rejectsResponsesThatAreNotOneSignedDocument() {
    String sig = "\"signature\":\"" + "00".repeat(64) + "\"";
    assertThatThrownBy(() -> PcsResponseReader.tcbInfo(utf8("{" + sig + "}")))
        .hasMessage("tcbInfo: missing");
    assertThatThrownBy(() -> PcsResponseReader.tcbInfo(utf8("{\"tcbInfo\":{}}")))
        .hasMessage("signature: missing");
    assertThatThrownBy(() -> PcsResponseReader.tcbInfo(utf8("{\"tcbInfo\":[]," + sig + "}")))
        .hasMessage("tcbInfo: expected an object");
    assertThatThrownBy(
            () -> PcsResponseReader.tcbInfo(utf8("{\"tcbInfo\":{},\"signature\":\"00\"}")))
        .hasMessageContaining("signature: expected 64 bytes");
    assertThatThrownBy(() -> PcsResponseReader.tcbInfo(utf8("{\"tcbInfo\":{},\"signature\":7}")))
        .hasMessage("signature: expected a string");
    assertThatThrownBy(
            () -> PcsResponseReader.tcbInfo(utf8("{\"tcbInfo\":{},\"tcbInfo\":{}," + sig + "}")))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> PcsResponseReader.tcbInfo(utf8("{\"tcbInfo\":{}," + sig + "} {}")))
        .isInstanceOf(CollateralFormatException.class);
    assertThatThrownBy(() -> PcsResponseReader.tcbInfo(utf8("[]")))
        .hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> PcsResponseReader.tcbInfo(ByteString.EMPTY))
        .isInstanceOf(CollateralFormatException.class);
  }

  @Test
  void rejectsUtf16BecauseItsBytesAreNotWhatIntelSigned() {
    String response = "{\"tcbInfo\":{},\"signature\":\"" + "00".repeat(64) + "\"}";

    assertThatThrownBy(
            () ->
                PcsResponseReader.tcbInfo(
                    ByteString.of(response.getBytes(StandardCharsets.UTF_16BE))))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining("tcbInfo: cannot locate the signed bytes");
  }
}
