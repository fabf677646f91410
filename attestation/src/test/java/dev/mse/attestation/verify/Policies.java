package dev.mse.attestation.verify;

import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.policy.AppraisalPolicy;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Policies for tests. */
final class Policies {
  private Policies() {}

  /**
   * Accepts every TCB status Intel can give (but TcbNotSupported), debug TEEs and TDs without
   * SEPT_VE_DISABLE: what is left to fail is the evidence itself.
   */
  static AppraisalPolicy evidenceOnly() {
    return evidenceOnly(true);
  }

  /** As {@link #evidenceOnly()}, with debug TEEs allowed or not. */
  static AppraisalPolicy evidenceOnly(boolean allowDebug) {
    EnumSet<TcbStatus> all = EnumSet.allOf(TcbStatus.class);
    all.remove(TcbStatus.TCB_NOT_SUPPORTED);
    return new AppraisalPolicy(
        AppraisalPolicy.Sgx.any(),
        new AppraisalPolicy.Tdx(
            List.of(),
            List.of(List.of(), List.of(), List.of(), List.of()),
            List.of(),
            List.of(),
            false),
        all,
        Set.of(),
        Duration.ZERO,
        allowDebug,
        false);
  }
}
