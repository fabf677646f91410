package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Intel TCB Info (v2 or v3) for one FMSPC, as parsed from the signed JSON body.
 *
 * @param id SGX or TDX ("SGX" is implied by v2)
 * @param tdxModule the TDX module's expected MRSIGNER and attributes (TDX only)
 * @param tdxModuleIdentities per-module TCB levels (TDX v3 only; may be empty)
 * @param tcbLevels ordered as Intel lists them, highest first
 */
public record TcbInfo(
    String id,
    int version,
    Instant issueDate,
    Instant nextUpdate,
    ByteString fmspc,
    ByteString pceId,
    int tcbType,
    long tcbEvaluationDataNumber,
    Optional<TdxModule> tdxModule,
    List<TdxModuleIdentity> tdxModuleIdentities,
    List<TcbLevel> tcbLevels) {

  public TcbInfo {
    tdxModuleIdentities = List.copyOf(tdxModuleIdentities);
    tcbLevels = List.copyOf(tcbLevels);
  }

  public boolean isTdx() {
    return "TDX".equals(id);
  }
}
