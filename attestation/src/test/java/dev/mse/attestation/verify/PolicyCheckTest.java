package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.testing.DcapVectors.Vector;
import org.junit.jupiter.api.Test;

/** The policy decides on genuine evidence: measurements, statuses, advisories, grace. */
class PolicyCheckTest {
  private final QuoteVerifier verifier = QuoteVerifier.full();
  private final Vector sgx = DcapVectors.byId("sgx/dcap-qvl/sgx_quote");
  private final Vector tdx = DcapVectors.byId("tdx/dcap-qvl/tdx_quote");
  private final Vector outOfDateTd = DcapVectors.byId("tdx/automata/quote_v4 (+0625)");

  private Appraisal verify(Vector v, String toml) throws Exception {
    return verifier.verify(v.quote(), v.collateral(), PolicyParser.parse(toml), v.at());
  }

  @Test
  void acceptsTheExpectedEnclaveAndNamesAMismatchedOne() throws Exception {
    String statuses = "[tcb]\naccepted_statuses = [\"ConfigurationAndSWHardeningNeeded\"]\n";
    assertThat(
            verify(
                    sgx,
                    "[sgx]\nmrenclave = [\"33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb\"]\n"
                        + statuses)
                .accepted())
        .isTrue();

    Appraisal a = verify(sgx, "[sgx]\nmrenclave = [\"" + "00".repeat(32) + "\"]\n" + statuses);
    assertThat(a.reasons())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.check()).isEqualTo(Check.MEASUREMENT);
              assertThat(r.message())
                  .isEqualTo(
                      "MRENCLAVE mismatch: expected "
                          + "00".repeat(32)
                          + ", got 33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
            });
  }

  @Test
  void checksTdMeasurementsAndRefusesSgxExpectationsForATd() throws Exception {
    assertThat(
            verify(
                    tdx,
                    "[tdx]\nmrtd = [\"91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7\"]\n")
                .accepted())
        .isTrue();
    assertThat(verify(tdx, "[tdx]\nrtmr3 = [\"" + "11".repeat(48) + "\"]\n").reasons())
        .extracting(Reason::message)
        .singleElement()
        .asString()
        .startsWith("RTMR3 mismatch");
    assertThat(verify(tdx, "[sgx]\nmin_isv_svn = 1\n").reasons())
        .extracting(Reason::check)
        .containsExactly(Check.MEASUREMENT);
  }

  @Test
  void advisoriesOutsideTheAcceptedListAreNamed() throws Exception {
    Appraisal a =
        verify(
            sgx,
            "[tcb]\naccepted_statuses = [\"ConfigurationAndSWHardeningNeeded\"]\naccepted_advisories = [\"INTEL-SA-00289\"]\n");
    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.ADVISORIES);
    assertThat(a.reasons().getFirst().message()).endsWith("INTEL-SA-00615");
  }

  @Test
  void anOutOfDatePlatformIsAcceptedOnlyWithinTheGracePeriodAfterIntelsUpdate() throws Exception {
    // The platform's level was superseded by Intel's TCB recovery of 2024-03-13; checked
    // 2025-06-05.
    assertThat(verify(outOfDateTd, "[tcb]\ngrace_period_days = 30\n").reasons())
        .extracting(Reason::check)
        .containsExactly(Check.TCB_STATUS);
    assertThat(verify(outOfDateTd, "[tcb]\ngrace_period_days = 500\n").accepted()).isTrue();
    assertThat(verify(outOfDateTd, "").reasons())
        .extracting(Reason::check)
        .containsExactly(Check.TCB_STATUS);
  }

  @Test
  void theDefaultPolicyNamesTheStatusAndWhatItAccepts() {
    Appraisal a =
        verifier.verify(
            outOfDateTd.quote(),
            outOfDateTd.collateral(),
            AppraisalPolicy.defaults(),
            outOfDateTd.at());
    assertThat(a.reasons().getFirst().message())
        .isEqualTo(
            "the platform's TCB status is OutOfDate, which the policy does not accept (accepted: SWHardeningNeeded, UpToDate)");
  }

  @Test
  void pinsTheServiceTdOfATd15() throws Exception {
    Vector td15 = DcapVectors.byId("tdx/automata/alibaba_quote_5.dat (+0625)");
    String actual =
        DcapVectors.byId(td15.id()).expected().get("report").get("mrservicetd").asString();

    assertThat(verify(td15, "[tdx]\nmrservicetd = [\"" + actual + "\"]\n").accepted()).isTrue();
    assertThat(verify(td15, "[tdx]\nmrservicetd = [\"" + "00".repeat(48) + "\"]\n").reasons())
        .extracting(Reason::message)
        .singleElement()
        .asString()
        .startsWith("MRSERVICETD mismatch");
    assertThat(verify(tdx, "[tdx]\nmrservicetd = [\"" + "00".repeat(48) + "\"]\n").reasons())
        .extracting(Reason::message)
        .containsExactly(
            "the policy expects an MRSERVICETD, but the TD report (version 1.0) has none");
  }
}
