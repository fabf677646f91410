package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;

/**
 * An SGX enclave report (384 bytes): the body of an SGX quote, and the QE report inside every
 * quote.
 *
 * @param raw the 384 bytes as they were signed
 */
public record EnclaveReport(
    ByteString cpuSvn,
    long miscSelect,
    ByteString attributes,
    ByteString mrEnclave,
    ByteString mrSigner,
    int isvProdId,
    int isvSvn,
    ByteString reportData,
    ByteString raw)
    implements ReportBody {

  public static final int SIZE = 384;
  private static final int FLAG_DEBUG = 0x02;

  /** SGX ATTRIBUTES.DEBUG (bit 1 of the flags). */
  @Override
  public boolean debug() {
    return (attributes.unsignedAt(0) & FLAG_DEBUG) != 0;
  }
}
