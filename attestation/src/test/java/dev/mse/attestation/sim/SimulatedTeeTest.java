package dev.mse.attestation.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.quote.EnclaveReport;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.Check;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.Reason;
import dev.mse.attestation.verify.TeeKind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SimulatedTeeTest {
  private static final Instant NOW = Instant.now();
  private static final SimulatedTee TEE = SimulatedTee.create(Clock.fixed(NOW, ZoneOffset.UTC));
  private static final SimulatedEnclave ENCLAVE =
      new SimulatedEnclave(
          ByteString.fromHex("11".repeat(32)), ByteString.fromHex("22".repeat(32)), 7, 3, false);
  private static final ByteString REPORT_DATA = ByteString.fromHex("ab".repeat(64));

  private final QuoteVerifier verifier = QuoteVerifier.full();

  @Test
  void makesV3QuotesInIntelsLayoutWithTheGivenIdentity() throws Exception {
    var quote = QuoteParser.parse(TEE.quote(ENCLAVE, REPORT_DATA));

    assertThat(quote.header().version()).isEqualTo(3);
    EnclaveReport body = (EnclaveReport) quote.body();
    assertThat(body.mrEnclave()).isEqualTo(ENCLAVE.mrEnclave());
    assertThat(body.mrSigner()).isEqualTo(ENCLAVE.mrSigner());
    assertThat(body.isvProdId()).isEqualTo(7);
    assertThat(body.isvSvn()).isEqualTo(3);
    assertThat(body.reportData()).isEqualTo(REPORT_DATA);
    assertThat(body.debug()).isFalse();
  }

  @Test
  void isClassifiedSimulatedAndRejectedByTheDefaultPolicy() {
    Appraisal a =
        verifier.verify(
            TEE.quote(ENCLAVE, REPORT_DATA), TEE.collateral(), AppraisalPolicy.defaults(), NOW);

    assertThat(a.tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.SIMULATION);
  }

  @Test
  void isAcceptedWhenThePolicyAllowsSimulation() {
    Appraisal a =
        verifier.verify(
            TEE.quote(ENCLAVE, REPORT_DATA),
            TEE.collateral(),
            AppraisalPolicy.defaults().withAllowSimulation(true),
            NOW);

    assertThat(a.reasons()).isEmpty();
    assertThat(a.tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(a.tcbStatus()).contains(TcbStatus.UP_TO_DATE);
    assertThat(a.measurements()).containsEntry("mrenclave", ENCLAVE.mrEnclave().hex());
  }

  @Test
  void aSimulatedQuoteCannotBorrowIntelsCollateralToPassAsHardware() {
    Collateral intel = DcapVectors.byId("sgx/dcap-qvl/sgx_quote").collateral();

    Appraisal a =
        verifier.verify(
            TEE.quote(ENCLAVE, REPORT_DATA),
            intel,
            AppraisalPolicy.defaults().withAllowSimulation(true),
            NOW);

    assertThat(a.tee()).isEqualTo(TeeKind.SIMULATED);
    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons())
        .extracting(Reason::check)
        .contains(Check.ROOT_CRL_SIGNED_BY_ROOT, Check.TCB_SIGNING_CERT_ISSUED_BY_ROOT);
  }

  @Test
  void rejectsATamperedSimulatedQuoteEvenWhenSimulationIsAllowed() {
    byte[] quote = TEE.quote(ENCLAVE, REPORT_DATA);
    quote[48 + 64] ^= 1; // MRENCLAVE

    Appraisal a =
        verifier.verify(
            quote, TEE.collateral(), AppraisalPolicy.defaults().withAllowSimulation(true), NOW);

    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.QUOTE_SIGNATURE);
  }

  @Test
  void debugEnclavesAreMarkedAndRejectedByDefault() {
    var debug = new SimulatedEnclave(ENCLAVE.mrEnclave(), ENCLAVE.mrSigner(), 0, 0, true);

    Appraisal a =
        verifier.verify(
            TEE.quote(debug, REPORT_DATA),
            TEE.collateral(),
            AppraisalPolicy.defaults().withAllowSimulation(true),
            NOW);

    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.DEBUG);
  }

  @Test
  void itsCollateralExpiresAfterItsLifetime() {
    Appraisal a =
        verifier.verify(
            TEE.quote(ENCLAVE, REPORT_DATA),
            TEE.collateral(),
            AppraisalPolicy.defaults().withAllowSimulation(true),
            NOW.plus(SimulatedTee.COLLATERAL_LIFETIME).plusSeconds(120));

    assertThat(a.reasons())
        .extracting(Reason::check)
        .contains(Check.TCB_INFO_VALIDITY, Check.QE_IDENTITY_VALIDITY, Check.PCK_CRL_VALIDITY);
  }
}
