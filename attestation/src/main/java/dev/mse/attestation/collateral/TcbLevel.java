package dev.mse.attestation.collateral;

import java.time.Instant;
import java.util.List;

/**
 * One platform TCB level of a TCB Info.
 *
 * @param sgxComponents the 16 SGX TCB component SVNs
 * @param tdxComponents the 16 TDX TCB component SVNs; empty for SGX TCB Info
 */
public record TcbLevel(
    List<Integer> sgxComponents,
    int pceSvn,
    List<Integer> tdxComponents,
    Instant tcbDate,
    TcbStatus tcbStatus,
    List<String> advisoryIds) {
  public TcbLevel {
    sgxComponents = List.copyOf(sgxComponents);
    tdxComponents = List.copyOf(tdxComponents);
    advisoryIds = List.copyOf(advisoryIds);
  }
}
