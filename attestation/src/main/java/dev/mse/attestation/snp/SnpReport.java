package dev.mse.attestation.snp;

import dev.mse.attestation.codec.ByteString;

/**
 * An AMD SEV-SNP attestation report (ATTESTATION_REPORT of the SEV-SNP firmware ABI, versions 2 and
 * 3): 1184 bytes, of which bytes [0, 0x2A0) are signed with ECDSA P-384 / SHA-384 by the VCEK or
 * VLEK. TCB values are kept raw (64-bit, as in the report): how they split into components depends
 * on the product, which the report alone does not tell for version 2.
 *
 * @param signingKey 0 = VCEK, 1 = VLEK, 7 = none (bits 2-4 of the flags at 0x48)
 * @param cpuid family, model and stepping (version 3 and later; all zero in version 2)
 * @param signature r then s, 48 bytes each, big-endian (the report stores them little-endian)
 */
public record SnpReport(
    ByteString signedRegion,
    int version,
    long guestSvn,
    long policy,
    ByteString familyId,
    ByteString imageId,
    int vmpl,
    int signatureAlgorithm,
    long currentTcb,
    long platformInfo,
    int signingKey,
    boolean authorKeyEnabled,
    boolean chipKeyMasked,
    ByteString reportData,
    ByteString measurement,
    ByteString hostData,
    ByteString idKeyDigest,
    ByteString authorKeyDigest,
    ByteString reportId,
    ByteString reportIdMa,
    long reportedTcb,
    Cpuid cpuid,
    ByteString chipId,
    long committedTcb,
    Firmware current,
    Firmware committed,
    long launchTcb,
    ByteString signature) {

  public static final int SIGNING_KEY_VCEK = 0;
  public static final int SIGNING_KEY_VLEK = 1;

  /** Guest policy bit 19: the hypervisor may debug the guest (read and write its memory). */
  public boolean debug() {
    return (policy & (1L << 19)) != 0;
  }

  /** Guest policy bit 18: a migration agent may be associated with the guest. */
  public boolean migrationAgentAllowed() {
    return (policy & (1L << 18)) != 0;
  }

  public record Cpuid(int family, int model, int stepping) {}

  public record Firmware(int major, int minor, int build) {
    @Override
    public String toString() {
      return major + "." + minor + " build " + build;
    }
  }
}
