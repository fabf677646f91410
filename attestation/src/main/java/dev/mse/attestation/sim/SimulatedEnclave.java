package dev.mse.attestation.sim;

import dev.mse.attestation.codec.ByteString;

/**
 * The enclave identity a simulated quote reports. For the mse runtime, {@code mrEnclave} is the
 * digest of the runtime distribution, so "is the right code running" is checked as on hardware.
 */
public record SimulatedEnclave(
    ByteString mrEnclave, ByteString mrSigner, int isvProdId, int isvSvn, boolean debug) {
  public SimulatedEnclave {
    if (mrEnclave.size() != 32 || mrSigner.size() != 32) {
      throw new IllegalArgumentException("MRENCLAVE and MRSIGNER are 32 bytes");
    }
  }
}
