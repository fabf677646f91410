package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TcbInfoParserTest {
  private static TcbInfo parseResponse(String file) throws CollateralFormatException {
    return TcbInfoParser.parse(PcsResponseReader.tcbInfo(CollateralSets.bytes(file)).body());
  }

  /** The automata SGX v3 TCB Info body, as text to mutate. */
  private static String sgxV3() throws CollateralFormatException {
    return text("sgx/automata/0825/sgx_tcbinfov3_00606a000000.json");
  }

  private static String tdxV3() throws CollateralFormatException {
    return text("tdx/automata/0625/tcbinfov3_00806f050000.json");
  }

  private static String text(String file) throws CollateralFormatException {
    return new String(
        PcsResponseReader.tcbInfo(CollateralSets.bytes(file)).body().toByteArray(),
        StandardCharsets.UTF_8);
  }

  private static TcbInfo parse(String body) throws CollateralFormatException {
    return TcbInfoParser.parse(ByteString.of(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsVersion2SgxTcbInfoWithoutId() throws Exception {
    TcbInfo info = parseResponse("sgx/automata/0625/tcbinfo.json");

    assertThat(info.id()).isEqualTo("SGX");
    assertThat(info.version()).isEqualTo(2);
    assertThat(info.issueDate()).isEqualTo(Instant.parse("2025-06-04T09:25:11Z"));
    assertThat(info.fmspc()).isEqualTo(ByteString.fromHex("00606a000000"));
    assertThat(info.tcbLevels().getFirst().sgxComponents())
        .containsExactly(14, 14, 3, 3, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(info.tcbLevels().getFirst().pceSvn()).isEqualTo(13);
    assertThat(info.tcbLevels().getFirst().tcbStatus()).isEqualTo(TcbStatus.SW_HARDENING_NEEDED);
    assertThat(info.tcbLevels().getFirst().tdxComponents()).isEmpty();
    assertThat(info.tcbLevels().getLast().tcbDate())
        .isEqualTo(Instant.parse("2018-01-04T00:00:00Z"));
    assertThat(info.tdxModule()).isEmpty();
  }

  @Test
  void readsVersion3SgxTcbInfoWithAdvisories() throws Exception {
    TcbInfo info = parseResponse("sgx/automata/0825/sgx_tcbinfov3_00606a000000.json");

    assertThat(info.isTdx()).isFalse();
    assertThat(info.version()).isEqualTo(3);
    assertThat(info.tcbEvaluationDataNumber()).isEqualTo(17);
    assertThat(info.tcbLevels()).allSatisfy(level -> assertThat(level.sgxComponents()).hasSize(16));
    assertThat(info.tcbLevels())
        .anySatisfy(l -> assertThat(l.advisoryIds()).contains("INTEL-SA-00615"));
  }

  @Test
  void readsTdxModuleAndModuleIdentities() throws Exception {
    TcbInfo info = parseResponse("tdx/automata/0625/tcbinfov3_00806f050000.json");

    assertThat(info.isTdx()).isTrue();
    assertThat(info.tdxModule()).isPresent();
    assertThat(info.tdxModule().get().mrSigner().size()).isEqualTo(48);
    assertThat(info.tdxModule().get().attributesMask())
        .isEqualTo(ByteString.fromHex("FFFFFFFFFFFFFFFF"));
    assertThat(info.tdxModuleIdentities())
        .extracting(TdxModuleIdentity::id)
        .contains("TDX_03", "TDX_01");
    TdxModuleIdentity tdx03 = info.tdxModuleIdentities().getFirst();
    assertThat(tdx03.tcbLevels().getFirst().isvSvn()).isEqualTo(3);
    assertThat(tdx03.tcbLevels().getFirst().tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    TcbLevel top = info.tcbLevels().getFirst();
    assertThat(top.sgxComponents()).startsWith(7, 7, 2, 2, 3, 1, 0, 3);
    assertThat(top.tdxComponents()).startsWith(5, 0, 7).hasSize(16);
    assertThat(top.pceSvn()).isEqualTo(11);
  }

  @Test
  void readsEveryRealTcbInfoInTheVectors() throws Exception {
    for (String file :
        List.of(
            "sgx/automata/0625/tcbinfo.json",
            "sgx/automata/0825/sgx_tcbinfov3_00606a000000.json",
            "sgx/automata/solana_tcb_info_v3_sgx.json",
            "tdx/automata/0625/tcbinfov3_00806f050000.json",
            "tdx/automata/0625/tcbinfov3_90C06F000000.json",
            "tdx/automata/1025/tcb_info.json",
            "tdx/automata/solana/tcb_info_v3_with_tdx_module.json",
            "tdx/go-tdx-guest/sample_tcbInfo_response",
            "tdx/go-tdx-guest/sample_tcbinfo_response_v5",
            "tdx/trustee/tcbInfo.json")) {
      assertThat(parseResponse(file).tcbLevels()).as(file).isNotEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"fmspc\":\"00606a000000\" | \"fmspc\":\"00606a0000\" | tcbInfo.fmspc: expected 6 bytes",
        "\"fmspc\":\"00606a000000\" | \"fmspc\":\"00606a00000g\" | tcbInfo.fmspc: not a hex digit",
        "\"fmspc\":\"00606a000000\" | \"fmspc\":6 | tcbInfo.fmspc: expected a string",
        "\"pceId\":\"0000\" | \"pceId\":\"000000\" | tcbInfo.pceId: expected 2 bytes",
        "\"pceId\":\"0000\" | \"pceId\":null | tcbInfo.pceId: missing",
        "\"version\":3 | \"version\":4 | tcbInfo.version: unsupported version 4",
        "\"version\":3 | \"version\":3.0 | tcbInfo.version: expected an integer",
        "\"id\":\"SGX\" | \"id\":\"SEV\" | tcbInfo.id: expected SGX or TDX",
        "\"tcbType\":0 | \"tcbType\":-1 | tcbInfo.tcbType: -1 is out of range",
        "\"tcbEvaluationDataNumber\":17 | \"tcbEvaluationDataNumber\":4294967296"
            + " | tcbInfo.tcbEvaluationDataNumber: 4294967296 is out of range",
        "\"issueDate\":\"2025-08-15T05:08:18Z\" | \"issueDate\":\"yesterday\""
            + " | tcbInfo.issueDate: not an ISO-8601 instant",
        "\"tcbStatus\":\"SWHardeningNeeded\" | \"tcbStatus\":\"Fine\""
            + " | tcbInfo.tcbLevels[0].tcbStatus: unknown TCB status",
        "\"tcbStatus\":\"SWHardeningNeeded\" | \"tcbStatus\":\"TcbNotSupported\""
            + " | tcbInfo.tcbLevels[0].tcbStatus: unknown TCB status",
        "\"pcesvn\":13 | \"pcesvn\":65536 | tcbInfo.tcbLevels[0].tcb.pcesvn: 65536 is out of range",
        "{\"svn\":14, | {\"svn\":256, | tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0].svn: 256 is out",
        "{\"svn\":14, | {\"svn\":\"14\", | sgxtcbcomponents[0].svn: expected an integer",
        "\"advisoryIDs\":[\"INTEL-SA-00615\"] | \"advisoryIDs\":[615]"
            + " | tcbInfo.tcbLevels[0].advisoryIDs[0]: expected a string",
        "\"tcbDate\":\"2024-03-13T00:00:00Z\" | \"tcbDate\":20240313 | tcbLevels[0].tcbDate: expected a string",
      })
  void rejectsAMalformedFieldByName(String original, String replacement, String message)
      throws Exception {
    String body = sgxV3();
    assertThat(body).contains(original);

    assertThatThrownBy(
            () -> parse(body.replaceFirst(java.util.regex.Pattern.quote(original), replacement)))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejectsAComponentListThatIsNotSixteenLong() throws Exception {
    String body = sgxV3().replaceFirst(",\\{\"svn\":0\\}\\]", "]");

    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining("sgxtcbcomponents: expected 16 entries, found 15");
  }

  @Test
  void rejectsATdxLevelWithoutTdxComponents() throws Exception {
    String body = tdxV3().replaceFirst(",\"tdxtcbcomponents\":\\[[^\\]]*\\]", "");

    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining("tcbInfo.tcbLevels[0].tcb.tdxtcbcomponents: missing");
  }

  @Test
  void rejectsATdxModuleSignerOfTheWrongLength() throws Exception {
    String body = tdxV3().replaceFirst("\"mrsigner\":\"00", "\"mrsigner\":\"");

    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining("tcbInfo.tdxModule.mrsigner: expected 48 bytes");
  }

  @Test
  void rejectsAVersion2TcbInfoThatClaimsToBeTdx() throws Exception {
    String body = text("sgx/automata/0625/tcbinfo.json").replaceFirst("\\{", "{\"id\":\"TDX\",");

    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining("tcbInfo.id: version 2 TCB Info is SGX only");
  }

  @Test
  void rejectsDuplicateKeysBecauseReadersCouldDisagreeOnTheValue() throws Exception {
    String body = sgxV3().replaceFirst("\\{", "{\"fmspc\":\"000000000000\",");

    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void rejectsEmptyLevelsTrailingContentAndNonObjects() {
    assertThatThrownBy(() -> parse("[]")).hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> parse("")).isInstanceOf(CollateralFormatException.class);
    assertThatThrownBy(() -> parse(sgxV3() + "{}")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () -> parse(sgxV3().replaceFirst("\"tcbLevels\":\\[.*\\]", "\"tcbLevels\":[]")))
        .hasMessageContaining("tcbInfo.tcbLevels: empty");
  }

  @Test
  void ignoresUnknownFieldsSoIntelCanAddSome() throws Exception {
    TcbInfo info = parse(sgxV3().replaceFirst("\\{", "{\"futureField\":{\"x\":[1,2]},"));

    assertThat(info.fmspc()).isEqualTo(ByteString.fromHex("00606A000000"));
  }
}
