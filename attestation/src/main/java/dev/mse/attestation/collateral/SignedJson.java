package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;

/**
 * A signed Intel collateral document (TCB Info or enclave identity).
 *
 * @param body the exact bytes of the {@code tcbInfo} / {@code enclaveIdentity} JSON value that
 *     Intel signed; never re-serialized
 * @param signature raw r||s, ECDSA P-256 with SHA-256, by the Intel SGX TCB Signing key
 */
public record SignedJson(ByteString body, ByteString signature) {}
