package dev.mse.attestation.collateral;

import java.time.Instant;
import java.util.List;

/** A TCB level keyed by one ISVSVN: used by enclave identities and TDX module identities. */
public record EnclaveTcbLevel(
    int isvSvn, Instant tcbDate, TcbStatus tcbStatus, List<String> advisoryIds) {
  public EnclaveTcbLevel {
    advisoryIds = List.copyOf(advisoryIds);
  }
}
