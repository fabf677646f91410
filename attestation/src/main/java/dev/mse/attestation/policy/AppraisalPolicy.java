package dev.mse.attestation.policy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.TcbStatus;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a verifier accepts, beyond "the evidence is genuine". Default-deny: debug TEEs, simulated
 * TEEs and TDs without SEPT_VE_DISABLE are refused unless the policy says otherwise. An empty list
 * of expected values checks nothing for that measurement.
 */
public record AppraisalPolicy(
    Sgx sgx,
    Tdx tdx,
    Set<TcbStatus> acceptedStatuses,
    Set<String> acceptedAdvisories,
    Duration gracePeriod,
    boolean allowDebug,
    boolean allowSimulation) {

  /** Expected SGX enclave identity; any listed value is accepted. */
  public record Sgx(
      List<ByteString> mrEnclave,
      List<ByteString> mrSigner,
      OptionalInt isvProdId,
      OptionalInt minIsvSvn) {
    public Sgx {
      mrEnclave = List.copyOf(mrEnclave);
      mrSigner = List.copyOf(mrSigner);
    }

    public static Sgx any() {
      return new Sgx(List.of(), List.of(), OptionalInt.empty(), OptionalInt.empty());
    }
  }

  /**
   * Expected TD measurements; any listed value is accepted.
   *
   * @param rtmrs RTMR0 to RTMR3, each a list of accepted values
   * @param mrServiceTd accepted MRSERVICETD values (TD 1.5; all zero when no service TD is bound)
   */
  public record Tdx(
      List<ByteString> mrTd,
      List<List<ByteString>> rtmrs,
      List<ByteString> mrSeam,
      List<ByteString> mrServiceTd,
      boolean requireSeptVeDisable) {
    public Tdx {
      mrTd = List.copyOf(mrTd);
      rtmrs = rtmrs.stream().map(List::copyOf).toList();
      mrSeam = List.copyOf(mrSeam);
      mrServiceTd = List.copyOf(mrServiceTd);
      if (rtmrs.size() != 4) {
        throw new IllegalArgumentException("a TD has four RTMRs");
      }
    }

    public static Tdx any() {
      return new Tdx(
          List.of(),
          List.of(List.of(), List.of(), List.of(), List.of()),
          List.of(),
          List.of(),
          true);
    }
  }

  public AppraisalPolicy {
    acceptedStatuses =
        acceptedStatuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(acceptedStatuses));
    acceptedAdvisories = Set.copyOf(acceptedAdvisories);
    if (gracePeriod.isNegative()) {
      throw new IllegalArgumentException("the grace period cannot be negative");
    }
  }

  /** The default: any measurement, TCB UpToDate or SWHardeningNeeded, nothing else allowed. */
  public static AppraisalPolicy defaults() {
    return new AppraisalPolicy(
        Sgx.any(),
        Tdx.any(),
        EnumSet.of(TcbStatus.UP_TO_DATE, TcbStatus.SW_HARDENING_NEEDED),
        Set.of(),
        Duration.ZERO,
        false,
        false);
  }

  public AppraisalPolicy withAllowSimulation(boolean allow) {
    return new AppraisalPolicy(
        sgx, tdx, acceptedStatuses, acceptedAdvisories, gracePeriod, allowDebug, allow);
  }

  /** The grace period, if one is set. */
  public Optional<Duration> grace() {
    return gracePeriod.isZero() ? Optional.empty() : Optional.of(gracePeriod);
  }
}
