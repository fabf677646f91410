package dev.mse.attestation.pck;

import dev.mse.attestation.codec.ByteString;
import java.util.List;

/**
 * The Intel SGX extensions of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's
 * identity and the TCB level at which its PCK key was issued.
 *
 * @param tcbComponents the 16 SGX TCB component SVNs (CPUSVN split into bytes)
 * @param sgxType 0 = Standard, 1 = Scalable, 2 = Scalable with integrity
 */
public record PckExtensions(
    ByteString ppid,
    List<Integer> tcbComponents,
    int pceSvn,
    ByteString cpuSvn,
    ByteString pceId,
    ByteString fmspc,
    int sgxType) {

  public PckExtensions {
    tcbComponents = List.copyOf(tcbComponents);
  }
}
