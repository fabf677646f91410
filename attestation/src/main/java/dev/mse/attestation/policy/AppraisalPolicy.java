package dev.mse.attestation.policy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.snp.SnpTcb;
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
    Snp snp,
    Nitro nitro,
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

  /**
   * Expected SEV-SNP guest; any listed value is accepted. Debug guests and guests bound to a
   * migration agent are refused unless allowed.
   *
   * @param vmpl the VMPL the report must come from, if set
   * @param minTcb the lowest reported TCB accepted, component by component, if set
   * @param requireCrl refuse when no CRL was given to check the VCEK/VLEK and ASK against
   */
  public record Snp(
      List<ByteString> measurement,
      List<ByteString> hostData,
      List<ByteString> idKeyDigest,
      List<ByteString> authorKeyDigest,
      OptionalInt minGuestSvn,
      OptionalInt vmpl,
      Optional<SnpTcb> minTcb,
      boolean allowDebug,
      boolean allowMigrationAgent,
      boolean requireCrl) {
    public Snp {
      measurement = List.copyOf(measurement);
      hostData = List.copyOf(hostData);
      idKeyDigest = List.copyOf(idKeyDigest);
      authorKeyDigest = List.copyOf(authorKeyDigest);
    }

    public static Snp any() {
      return new Snp(
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          Optional.empty(),
          false,
          false,
          false);
    }
  }

  /**
   * Expected Nitro enclave PCRs; any listed value is accepted.
   *
   * @param pcrs PCR0 to PCR8, each a list of accepted values
   * @param allowDebug accept debug-mode enclaves (PCR0 all zero), whose memory the host can read
   */
  public record Nitro(List<List<ByteString>> pcrs, boolean allowDebug) {
    public static final int POLICY_PCRS = 9;

    public Nitro {
      pcrs = pcrs.stream().map(List::copyOf).toList();
      if (pcrs.size() != POLICY_PCRS) {
        throw new IllegalArgumentException("the policy lists PCR0 to PCR8");
      }
    }

    public static Nitro any() {
      return new Nitro(java.util.Collections.nCopies(POLICY_PCRS, List.of()), false);
    }
  }

  /** A policy for SGX and TDX only; SEV-SNP and Nitro evidence get the defaults. */
  public AppraisalPolicy(
      Sgx sgx,
      Tdx tdx,
      Set<TcbStatus> acceptedStatuses,
      Set<String> acceptedAdvisories,
      Duration gracePeriod,
      boolean allowDebug,
      boolean allowSimulation) {
    this(
        sgx,
        tdx,
        Snp.any(),
        Nitro.any(),
        acceptedStatuses,
        acceptedAdvisories,
        gracePeriod,
        allowDebug,
        allowSimulation);
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
        Snp.any(),
        Nitro.any(),
        EnumSet.of(TcbStatus.UP_TO_DATE, TcbStatus.SW_HARDENING_NEEDED),
        Set.of(),
        Duration.ZERO,
        false,
        false);
  }

  public AppraisalPolicy withAllowSimulation(boolean allow) {
    return new AppraisalPolicy(
        sgx, tdx, snp, nitro, acceptedStatuses, acceptedAdvisories, gracePeriod, allowDebug, allow);
  }

  /** The grace period, if one is set. */
  public Optional<Duration> grace() {
    return gracePeriod.isZero() ? Optional.empty() : Optional.of(gracePeriod);
  }
}
