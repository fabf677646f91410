package dev.mse.attestation.collateral;

import java.util.Optional;

/** Intel's TCB statuses, with the names Intel's collateral and QVL use. */
public enum TcbStatus {
  UP_TO_DATE("UpToDate"),
  SW_HARDENING_NEEDED("SWHardeningNeeded"),
  CONFIGURATION_NEEDED("ConfigurationNeeded"),
  CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
  OUT_OF_DATE("OutOfDate"),
  OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
  TD_RELAUNCH_ADVISED("TDRelaunchAdvised"),
  TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED("TDRelaunchAdvisedConfigurationNeeded"),
  REVOKED("Revoked"),
  /** No TCB level of the collateral matches the platform (Intel: STATUS_TCB_NOT_SUPPORTED). */
  TCB_NOT_SUPPORTED("TcbNotSupported");

  private final String intelName;

  TcbStatus(String intelName) {
    this.intelName = intelName;
  }

  public String intelName() {
    return intelName;
  }

  public static Optional<TcbStatus> fromIntelName(String name) {
    for (TcbStatus s : values()) {
      if (s.intelName.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return intelName;
  }
}
