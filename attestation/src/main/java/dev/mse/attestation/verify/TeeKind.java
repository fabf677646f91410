package dev.mse.attestation.verify;

/**
 * What produced the evidence. {@link #SIMULATED} is decided by the trust anchor the PCK chain ends
 * at, never by a field the evidence could set, so a simulated quote cannot pass as hardware.
 */
public enum TeeKind {
  SGX,
  TDX,
  /** AMD SEV-SNP. */
  SNP,
  /** AWS Nitro Enclaves. */
  NITRO,
  SIMULATED,
  /** The evidence could not be parsed far enough to tell. */
  UNKNOWN
}
