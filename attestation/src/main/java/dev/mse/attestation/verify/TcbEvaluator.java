package dev.mse.attestation.verify;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.EnclaveTcbLevel;
import dev.mse.attestation.collateral.QeIdentity;
import dev.mse.attestation.collateral.TcbInfo;
import dev.mse.attestation.collateral.TcbLevel;
import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.collateral.TdxModuleIdentity;
import dev.mse.attestation.pck.PckExtensions;
import dev.mse.attestation.quote.TdReport;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a platform against Intel's TCB Info and QE Identity with the semantics of Intel's Quote
 * Verification Library (TcbLevelCheck, TdxModuleCheck, TDRelaunchCheck):
 *
 * <ul>
 *   <li>the platform level is the first level (highest first) whose 16 SGX components and PCESVN
 *       are all at or below the PCK certificate's;
 *   <li>for TDX it must also be at or below TEE_TCB_SVN, compared from byte 2 when TEE_TCB_SVN[1]
 *       (the module's major version) is set, because bytes 0 and 1 are then judged by the TDX
 *       module identity {@code TDX_<version>}. dcap-qvl compares all 16 bytes instead; see
 *       docs/attestation.md;
 *   <li>the module's and the QE's statuses are folded into the platform's: an out-of-date module or
 *       QE makes the platform OutOfDate (or OutOfDateConfigurationNeeded), a revoked one makes it
 *       Revoked;
 *   <li>for TD 1.5 reports, TEE_TCB_SVN2 turns OutOfDate into TDRelaunchAdvised when the TD could
 *       be relaunched on an up-to-date module.
 * </ul>
 */
public final class TcbEvaluator {
  private TcbEvaluator() {}

  /** The QE's level: the first with an ISVSVN at or below the QE report's. */
  public static Optional<EnclaveTcbLevel> qeLevel(QeIdentity identity, int qeIsvSvn) {
    return firstLevelAtOrBelow(identity.tcbLevels(), qeIsvSvn);
  }

  /**
   * Evaluates an SGX platform ({@code td} empty) or a TD.
   *
   * @param qeLevel the QE's matched level, empty if no QE level matched
   */
  public static TcbEvaluation evaluate(
      TcbInfo tcbInfo,
      PckExtensions pck,
      Optional<TdReport> td,
      Optional<EnclaveTcbLevel> qeLevel) {
    boolean tdx = td.isPresent() && tcbInfo.isTdx() && tcbInfo.version() >= 3;
    List<TcbLevel> levels = tcbInfo.tcbLevels();
    int sgxIndex = -1;
    int tdxIndex = -1;
    for (int i = 0; i < levels.size(); i++) {
      TcbLevel level = levels.get(i);
      if (!sgxAtOrAbove(pck, level)) {
        continue;
      }
      if (sgxIndex < 0) {
        sgxIndex = i;
      }
      if (!tdx) {
        break;
      }
      if (tdxAtOrAbove(td.get().teeTcbSvn(), level)) {
        tdxIndex = i;
        break;
      }
    }
    if (sgxIndex < 0) {
      return notSupported(
          qeLevel,
          "no TCB level of the TCB Info matches the platform's SGX TCB (CPUSVN and PCESVN from its PCK certificate)");
    }
    if (tdx && tdxIndex < 0) {
      return notSupported(qeLevel, "no TCB level of the TCB Info matches the TD's TEE_TCB_SVN");
    }
    int matched = tdx ? tdxIndex : sgxIndex;
    TcbLevel platform = levels.get(matched);
    TcbStatus status = platform.tcbStatus();
    Optional<EnclaveTcbLevel> moduleLevel = Optional.empty();

    if (tdx) {
      TdReport report = td.get();
      ModuleCheck module = checkModule(tcbInfo, report);
      if (module.problem().isPresent()) {
        return notSupported(qeLevel, module.problem().get());
      }
      moduleLevel = module.level();
      if (moduleLevel.isPresent()) {
        status = fold(status, moduleLevel.get().tcbStatus());
      }
      if (status != TcbStatus.REVOKED && report.teeTcbSvn2().isPresent()) {
        status =
            relaunchAdvice(
                report.teeTcbSvn2().get(),
                tcbInfo,
                levels.get(sgxIndex).tcbStatus(),
                status,
                moduleLevel,
                qeLevel);
      }
    }
    if (qeLevel.isEmpty()) {
      return notSupported(
          qeLevel, "the quoting enclave's ISVSVN is below every level of the QE Identity");
    }
    status = fold(status, qeLevel.get().tcbStatus());

    Set<String> advisories = new LinkedHashSet<>(platform.advisoryIds());
    moduleLevel.ifPresent(m -> advisories.addAll(m.advisoryIds()));
    advisories.addAll(qeLevel.get().advisoryIds());
    Optional<Instant> supersededAt =
        matched > 0 ? Optional.of(levels.get(matched - 1).tcbDate()) : Optional.empty();
    return new TcbEvaluation(
        status,
        List.copyOf(advisories),
        Optional.of(platform),
        moduleLevel,
        qeLevel,
        supersededAt,
        Optional.empty());
  }

  private static TcbEvaluation notSupported(Optional<EnclaveTcbLevel> qeLevel, String why) {
    return notSupported(qeLevel, new Reason(Check.TCB_LEVEL, why));
  }

  private static TcbEvaluation notSupported(Optional<EnclaveTcbLevel> qeLevel, Reason why) {
    return new TcbEvaluation(
        TcbStatus.TCB_NOT_SUPPORTED,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        qeLevel,
        Optional.empty(),
        Optional.of(why));
  }

  private static boolean sgxAtOrAbove(PckExtensions pck, TcbLevel level) {
    List<Integer> mine = pck.tcbComponents();
    List<Integer> theirs = level.sgxComponents();
    for (int i = 0; i < 16; i++) {
      if (mine.get(i) < theirs.get(i)) {
        return false;
      }
    }
    return pck.pceSvn() >= level.pceSvn();
  }

  private static boolean tdxAtOrAbove(ByteString teeTcbSvn, TcbLevel level) {
    List<Integer> theirs = level.tdxComponents();
    if (theirs.size() != 16) {
      return false;
    }
    int start = teeTcbSvn.unsignedAt(1) > 0 ? 2 : 0;
    for (int i = start; i < 16; i++) {
      if (teeTcbSvn.unsignedAt(i) < theirs.get(i)) {
        return false;
      }
    }
    return true;
  }

  private record ModuleCheck(Optional<EnclaveTcbLevel> level, Optional<Reason> problem) {}

  /**
   * The TDX module: its signer and attributes must be Intel's, and its ISVSVN (TEE_TCB_SVN[0]) must
   * reach a level of the identity {@code TDX_<TEE_TCB_SVN[1]>}. A module of major version 0 is
   * judged by the TDX TCB components alone.
   */
  private static ModuleCheck checkModule(TcbInfo tcbInfo, TdReport report) {
    int version = report.teeTcbSvn().unsignedAt(1);
    int isvSvn = report.teeTcbSvn().unsignedAt(0);
    if (version == 0) {
      return tcbInfo
          .tdxModule()
          .filter(
              m ->
                  !signerAndAttributesMatch(
                      m.mrSigner(), m.attributes(), m.attributesMask(), report))
          .map(
              m ->
                  new ModuleCheck(
                      Optional.empty(),
                      Optional.of(moduleProblem(moduleMismatch(report, "tdxModule")))))
          .orElse(new ModuleCheck(Optional.empty(), Optional.empty()));
    }
    Optional<TdxModuleIdentity> identity = moduleIdentity(tcbInfo, version);
    if (identity.isEmpty()) {
      return new ModuleCheck(
          Optional.empty(),
          Optional.of(
              moduleProblem("the TCB Info has no identity for TDX module " + moduleId(version))));
    }
    TdxModuleIdentity id = identity.get();
    if (!signerAndAttributesMatch(id.mrSigner(), id.attributes(), id.attributesMask(), report)) {
      return new ModuleCheck(
          Optional.empty(), Optional.of(moduleProblem(moduleMismatch(report, id.id()))));
    }
    Optional<EnclaveTcbLevel> level = firstLevelAtOrBelow(id.tcbLevels(), isvSvn);
    if (level.isEmpty()) {
      return new ModuleCheck(
          Optional.empty(),
          Optional.of(
              new Reason(
                  Check.TCB_LEVEL,
                  "TDX module "
                      + id.id()
                      + " ISVSVN "
                      + isvSvn
                      + " is below every level of its identity")));
    }
    return new ModuleCheck(level, Optional.empty());
  }

  private static Reason moduleProblem(String message) {
    return new Reason(Check.TDX_MODULE_MATCH, message);
  }

  private static String moduleMismatch(TdReport report, String identity) {
    return "the TDX module (MRSIGNERSEAM "
        + report.mrSignerSeam()
        + ", SEAMATTRIBUTES "
        + report.seamAttributes()
        + ") is not the one "
        + identity
        + " of the TCB Info names";
  }

  private static boolean signerAndAttributesMatch(
      ByteString mrSigner, ByteString attributes, ByteString mask, TdReport report) {
    if (!mrSigner.equals(report.mrSignerSeam())) {
      return false;
    }
    ByteString seam = report.seamAttributes();
    if (attributes.size() != seam.size() || mask.size() != seam.size()) {
      return false;
    }
    for (int i = 0; i < seam.size(); i++) {
      if ((seam.unsignedAt(i) & mask.unsignedAt(i)) != attributes.unsignedAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String moduleId(int version) {
    return "TDX_" + HexFormat.of().withUpperCase().toHexDigits((byte) version);
  }

  private static Optional<TdxModuleIdentity> moduleIdentity(TcbInfo tcbInfo, int version) {
    String wanted = moduleId(version);
    return tcbInfo.tdxModuleIdentities().stream()
        .filter(m -> m.id().equalsIgnoreCase(wanted))
        .findFirst();
  }

  private static Optional<EnclaveTcbLevel> firstLevelAtOrBelow(
      List<EnclaveTcbLevel> levels, int isvSvn) {
    return levels.stream().filter(l -> isvSvn >= l.isvSvn()).findFirst();
  }

  /** Intel's convergence: an out-of-date or revoked component drags the platform down with it. */
  private static TcbStatus fold(TcbStatus platform, TcbStatus component) {
    if (component == TcbStatus.OUT_OF_DATE) {
      switch (platform) {
        case UP_TO_DATE, SW_HARDENING_NEEDED -> {
          return TcbStatus.OUT_OF_DATE;
        }
        case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED -> {
          return TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
        }
        default -> {}
      }
    }
    if (component == TcbStatus.REVOKED) {
      return TcbStatus.REVOKED;
    }
    return platform;
  }

  private static boolean configurationNeeded(TcbStatus s) {
    return s == TcbStatus.CONFIGURATION_NEEDED
        || s == TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED
        || s == TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED
        || s == TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED;
  }

  /**
   * TD 1.5: when only the TDX module is out of date and TEE_TCB_SVN2 shows that the platform
   * already runs an up-to-date module, relaunching the TD would make it up to date.
   */
  private static TcbStatus relaunchAdvice(
      ByteString teeTcbSvn2,
      TcbInfo tcbInfo,
      TcbStatus sgxStatus,
      TcbStatus tdxStatus,
      Optional<EnclaveTcbLevel> moduleLevel,
      Optional<EnclaveTcbLevel> qeLevel) {
    boolean qeFine =
        qeLevel.isPresent()
            && qeLevel.get().tcbStatus() != TcbStatus.OUT_OF_DATE
            && qeLevel.get().tcbStatus() != TcbStatus.REVOKED;
    boolean sgxFine =
        sgxStatus == TcbStatus.UP_TO_DATE
            || sgxStatus == TcbStatus.SW_HARDENING_NEEDED
            || sgxStatus == TcbStatus.CONFIGURATION_NEEDED
            || sgxStatus == TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED;
    boolean tdxOutOfDate =
        tdxStatus == TcbStatus.OUT_OF_DATE
            || tdxStatus == TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
    boolean moduleOutOfDate =
        moduleLevel.isPresent() && moduleLevel.get().tcbStatus() == TcbStatus.OUT_OF_DATE;
    if (!qeFine || !sgxFine || !tdxOutOfDate || !moduleOutOfDate || tcbInfo.tcbLevels().isEmpty()) {
      return tdxStatus;
    }
    TcbLevel latest = tcbInfo.tcbLevels().getFirst();
    if (latest.tdxComponents().size() != 16) {
      return tdxStatus;
    }
    int latestModuleSvn;
    if (teeTcbSvn2.unsignedAt(1) == 0) {
      latestModuleSvn = latest.tdxComponents().get(0);
    } else {
      Optional<TdxModuleIdentity> identity = moduleIdentity(tcbInfo, teeTcbSvn2.unsignedAt(1));
      if (identity.isEmpty() || identity.get().tcbLevels().isEmpty()) {
        return tdxStatus;
      }
      latestModuleSvn = identity.get().tcbLevels().getFirst().isvSvn();
    }
    if (teeTcbSvn2.unsignedAt(0) >= latestModuleSvn
        && teeTcbSvn2.unsignedAt(2) >= latest.tdxComponents().get(2)) {
      return configurationNeeded(sgxStatus) || configurationNeeded(tdxStatus)
          ? TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED
          : TcbStatus.TD_RELAUNCH_ADVISED;
    }
    return tdxStatus;
  }
}
