package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.quote.EnclaveReport;
import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.TdReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Applies an appraisal policy to genuine evidence: is it what this verifier accepts? */
final class PolicyCheck {
  private PolicyCheck() {}

  static void apply(
      AppraisalPolicy policy,
      TeeKind tee,
      Quote quote,
      Optional<TcbEvaluation> tcb,
      Instant at,
      Findings f) {
    if (tee == TeeKind.SIMULATED && !policy.allowSimulation()) {
      f.fail(
          Check.SIMULATION,
          "the evidence comes from the mse simulated TEE, not from TEE hardware: it proves nothing about confidentiality (allow it only for tests)");
    }
    if (quote.body().debug() && !policy.allowDebug()) {
      f.fail(
          Check.DEBUG,
          (quote.isTdx() ? "the TD" : "the enclave")
              + " runs in debug mode, where the host can read its memory");
    }
    tcb.filter(e -> e.problem().isEmpty()).ifPresent(e -> checkTcb(policy, e, at, f));
    switch (quote.body()) {
      case EnclaveReport r -> checkSgx(policy, r, f);
      case TdReport r -> checkTdx(policy, r, f);
    }
  }

  private static void checkTcb(AppraisalPolicy policy, TcbEvaluation e, Instant at, Findings f) {
    TcbStatus status = e.status();
    if (!policy.acceptedStatuses().contains(status)) {
      Optional<TcbStatus> inGrace = graceEquivalent(status);
      boolean graceHolds =
          inGrace.isPresent()
              && policy.acceptedStatuses().contains(inGrace.get())
              && policy.grace().isPresent()
              && e.supersededAt().isPresent()
              && !at.isAfter(e.supersededAt().get().plus(policy.grace().get()));
      if (!graceHolds) {
        f.fail(
            Check.TCB_STATUS,
            "the platform's TCB status is "
                + status
                + ", which the policy does not accept (accepted: "
                + policy.acceptedStatuses().stream()
                    .map(TcbStatus::intelName)
                    .sorted()
                    .collect(Collectors.joining(", "))
                + graceNote(policy, e)
                + ")");
      }
    }
    if (!policy.acceptedAdvisories().isEmpty()) {
      List<String> unaccepted =
          e.advisoryIds().stream().filter(a -> !policy.acceptedAdvisories().contains(a)).toList();
      if (!unaccepted.isEmpty()) {
        f.fail(
            Check.ADVISORIES,
            "the platform is affected by advisories the policy does not accept: "
                + String.join(", ", unaccepted));
      }
    }
  }

  /** What an out-of-date status counts as while its grace period lasts. */
  private static Optional<TcbStatus> graceEquivalent(TcbStatus status) {
    return switch (status) {
      case OUT_OF_DATE, TD_RELAUNCH_ADVISED -> Optional.of(TcbStatus.UP_TO_DATE);
      case OUT_OF_DATE_CONFIGURATION_NEEDED, TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED ->
          Optional.of(TcbStatus.CONFIGURATION_NEEDED);
      default -> Optional.empty();
    };
  }

  private static String graceNote(AppraisalPolicy policy, TcbEvaluation e) {
    if (policy.grace().isEmpty()
        || e.supersededAt().isEmpty()
        || graceEquivalent(e.status()).isEmpty()) {
      return "";
    }
    return "; the grace period of "
        + policy.grace().get().toDays()
        + " days after Intel's TCB update of "
        + e.supersededAt().get()
        + " is over";
  }

  private static void checkSgx(AppraisalPolicy policy, EnclaveReport r, Findings f) {
    AppraisalPolicy.Sgx sgx = policy.sgx();
    expect("MRENCLAVE", sgx.mrEnclave(), r.mrEnclave(), f);
    expect("MRSIGNER", sgx.mrSigner(), r.mrSigner(), f);
    sgx.isvProdId()
        .ifPresent(
            id -> {
              if (id != r.isvProdId()) {
                f.fail(
                    Check.MEASUREMENT,
                    "ISVPRODID mismatch: expected " + id + ", got " + r.isvProdId());
              }
            });
    sgx.minIsvSvn()
        .ifPresent(
            min -> {
              if (r.isvSvn() < min) {
                f.fail(Check.MEASUREMENT, "ISVSVN " + r.isvSvn() + " is below the minimum " + min);
              }
            });
    AppraisalPolicy.Tdx tdx = policy.tdx();
    if (!tdx.mrTd().isEmpty()
        || !tdx.mrSeam().isEmpty()
        || tdx.rtmrs().stream().anyMatch(l -> !l.isEmpty())) {
      f.fail(
          Check.MEASUREMENT,
          "the policy expects a TD (MRTD, RTMRs or MRSEAM), but the quote comes from an SGX enclave");
    }
  }

  private static void checkTdx(AppraisalPolicy policy, TdReport r, Findings f) {
    AppraisalPolicy.Tdx tdx = policy.tdx();
    if (tdx.requireSeptVeDisable() && !r.septVeDisable()) {
      f.fail(
          Check.SEPT_VE_DISABLE,
          "the TD does not set SEPT_VE_DISABLE, so its host can inject #VE exceptions (set tdx.require_sept_ve_disable = false to accept it)");
    }
    expect("MRTD", tdx.mrTd(), r.mrTd(), f);
    for (int i = 0; i < 4; i++) {
      expect("RTMR" + i, tdx.rtmrs().get(i), r.rtmrs().get(i), f);
    }
    expect("MRSEAM", tdx.mrSeam(), r.mrSeam(), f);
    if (!tdx.mrServiceTd().isEmpty() && r.mrServiceTd().isEmpty()) {
      f.fail(
          Check.MEASUREMENT,
          "the policy expects an MRSERVICETD, but the TD report (version 1.0) has none");
    }
    r.mrServiceTd().ifPresent(v -> expect("MRSERVICETD", tdx.mrServiceTd(), v, f));
    AppraisalPolicy.Sgx sgx = policy.sgx();
    if (!sgx.mrEnclave().isEmpty()
        || !sgx.mrSigner().isEmpty()
        || sgx.isvProdId().isPresent()
        || sgx.minIsvSvn().isPresent()) {
      f.fail(
          Check.MEASUREMENT,
          "the policy expects an SGX enclave (MRENCLAVE, MRSIGNER or ISV values), but the quote comes from a TD");
    }
  }

  private static void expect(
      String name, List<ByteString> accepted, ByteString actual, Findings f) {
    if (!accepted.isEmpty() && !accepted.contains(actual)) {
      f.fail(
          Check.MEASUREMENT,
          name
              + " mismatch: expected "
              + (accepted.size() == 1 ? accepted.getFirst() : "one of " + accepted)
              + ", got "
              + actual);
    }
  }
}
