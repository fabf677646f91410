package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;

/** The {@code tdxModule} object of a TDX TCB Info: the expected signer and attributes of SEAM. */
public record TdxModule(ByteString mrSigner, ByteString attributes, ByteString attributesMask) {}
