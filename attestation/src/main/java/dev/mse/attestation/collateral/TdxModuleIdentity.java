package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import java.util.List;

/**
 * A TDX module identity of a TDX TCB Info (v3), such as {@code TDX_01}: the expected module signer
 * and attributes, and the TCB levels of that module by its ISVSVN.
 */
public record TdxModuleIdentity(
    String id,
    ByteString mrSigner,
    ByteString attributes,
    ByteString attributesMask,
    List<EnclaveTcbLevel> tcbLevels) {
  public TdxModuleIdentity {
    tcbLevels = List.copyOf(tcbLevels);
  }
}
