package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;

/** What the TEE attested: an SGX enclave report or a TDX TD report. */
public sealed interface ReportBody permits EnclaveReport, TdReport {
  /** The 64 bytes the attested code chose to bind (for mse: SHA-512 of its claims). */
  ByteString reportData();

  /** Whether the TEE runs in debug mode, where its memory is readable from outside. */
  boolean debug();
}
