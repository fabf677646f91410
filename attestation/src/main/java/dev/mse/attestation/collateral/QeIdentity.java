package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.time.Instant;
import java.util.List;

/** Intel enclave identity (v2) of a quoting enclave: {@code QE} for SGX, {@code TD_QE} for TDX. */
public record QeIdentity(
    String id,
    int version,
    Instant issueDate,
    Instant nextUpdate,
    long tcbEvaluationDataNumber,
    ByteString miscSelect,
    ByteString miscSelectMask,
    ByteString attributes,
    ByteString attributesMask,
    ByteString mrSigner,
    int isvProdId,
    List<EnclaveTcbLevel> tcbLevels) {
  public QeIdentity {
    tcbLevels = List.copyOf(tcbLevels);
  }
}
