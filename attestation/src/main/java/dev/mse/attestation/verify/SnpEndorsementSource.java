package dev.mse.attestation.verify;

import dev.mse.attestation.snp.SnpReport;
import java.io.IOException;

/**
 * Where the VCEK (and CRL) for an SEV-SNP report comes from when the evidence does not carry it:
 * AMD's KDS or a mirror (a simulated one in tests). Nothing it gives is trusted: {@link
 * SnpVerifier} checks it against the pinned roots.
 */
@FunctionalInterface
public interface SnpEndorsementSource {
  /**
   * @throws IOException if no VCEK for this chip and reported TCB can be had
   */
  SnpEndorsements forReport(SnpReport report) throws IOException;
}
