package dev.mse.attestation.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.TcbStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyParserTest {
  private static final String FULL =
      """
      [sgx]
      mrenclave = ["%s"]
      mrsigner = ["%s", "%s"]
      isv_prod_id = 3
      min_isv_svn = 2
      [tdx]
      mrtd = ["%s"]
      rtmr0 = ["%s"]
      require_sept_ve_disable = false
      [tcb]
      accepted_statuses = ["UpToDate", "SWHardeningNeeded", "OutOfDate"]
      accepted_advisories = ["INTEL-SA-00615"]
      grace_period_days = 30
      allow_debug = true
      allow_simulation = true
      """
          .formatted(
              "aa".repeat(32), "bb".repeat(32), "cc".repeat(32), "dd".repeat(48), "ee".repeat(48));

  @Test
  void readsEveryDocumentedKey() throws Exception {
    AppraisalPolicy p = PolicyParser.parse(FULL);

    assertThat(p.sgx().mrEnclave()).containsExactly(ByteString.fromHex("aa".repeat(32)));
    assertThat(p.sgx().mrSigner()).hasSize(2);
    assertThat(p.sgx().isvProdId()).hasValue(3);
    assertThat(p.sgx().minIsvSvn()).hasValue(2);
    assertThat(p.tdx().mrTd()).containsExactly(ByteString.fromHex("dd".repeat(48)));
    assertThat(p.tdx().rtmrs().get(0)).containsExactly(ByteString.fromHex("ee".repeat(48)));
    assertThat(p.tdx().rtmrs().get(1)).isEmpty();
    assertThat(p.tdx().requireSeptVeDisable()).isFalse();
    assertThat(p.acceptedStatuses())
        .containsExactlyInAnyOrder(
            TcbStatus.UP_TO_DATE, TcbStatus.SW_HARDENING_NEEDED, TcbStatus.OUT_OF_DATE);
    assertThat(p.acceptedAdvisories()).containsExactly("INTEL-SA-00615");
    assertThat(p.gracePeriod()).isEqualTo(Duration.ofDays(30));
    assertThat(p.allowDebug()).isTrue();
    assertThat(p.allowSimulation()).isTrue();
  }

  @Test
  void anEmptyPolicyIsTheSafeDefault() throws Exception {
    assertThat(PolicyParser.parse("")).isEqualTo(AppraisalPolicy.defaults());
    AppraisalPolicy d = AppraisalPolicy.defaults();
    assertThat(d.allowDebug()).isFalse();
    assertThat(d.allowSimulation()).isFalse();
    assertThat(d.tdx().requireSeptVeDisable()).isTrue();
    assertThat(d.acceptedStatuses())
        .containsExactlyInAnyOrder(TcbStatus.UP_TO_DATE, TcbStatus.SW_HARDENING_NEEDED);
  }

  @Test
  void rejectsAnUnknownKeySoThatATypoCannotTurnACheckOff() {
    assertThatThrownBy(() -> PolicyParser.parse("[sgx]\nmrenclaves = []\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("unknown key 'mrenclaves' in [sgx]");
  }

  @Test
  void rejectsAnUnknownTable() {
    assertThatThrownBy(() -> PolicyParser.parse("[sev]\nmeasurement = []\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("unknown table [sev]");
  }

  @Test
  void rejectsAMeasurementOfTheWrongLength() {
    assertThatThrownBy(() -> PolicyParser.parse("[sgx]\nmrenclave = [\"abcd\"]\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("expected 32 bytes");
  }

  @Test
  void rejectsAMeasurementThatIsNotHex() {
    assertThatThrownBy(() -> PolicyParser.parse("[tdx]\nmrtd = [\"zz\"]\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("not hex");
  }

  @Test
  void rejectsAnUnknownTcbStatus() {
    assertThatThrownBy(() -> PolicyParser.parse("[tcb]\naccepted_statuses = [\"Fine\"]\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("unknown TCB status 'Fine'");
  }

  @Test
  void rejectsValuesOfTheWrongKind() {
    assertThatThrownBy(() -> PolicyParser.parse("[tcb]\nallow_debug = \"yes\"\n"))
        .hasMessageContaining("tcb.allow_debug must be true or false");
    assertThatThrownBy(() -> PolicyParser.parse("[sgx]\nisv_prod_id = -1\n"))
        .hasMessageContaining("sgx.isv_prod_id must be a whole number");
    assertThatThrownBy(() -> PolicyParser.parse("[tcb]\ngrace_period_days = 1.5\n"))
        .hasMessageContaining("tcb.grace_period_days must be a whole number");
  }

  @Test
  void rejectsMalformedToml() {
    assertThatThrownBy(() -> PolicyParser.parse("[sgx\nmrenclave = ["))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("not valid TOML");
  }
}
