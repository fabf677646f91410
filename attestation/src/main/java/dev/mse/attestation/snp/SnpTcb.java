package dev.mse.attestation.snp;

/**
 * An SEV-SNP TCB version: the security patch levels of the AMD firmware components, as packed in a
 * report's 64-bit TCB fields and in a VCEK's extensions. {@code fmc} is Turin's (0 before Turin).
 */
public record SnpTcb(int bootloader, int tee, int snp, int microcode, int fmc) {
  public SnpTcb {
    for (int v : new int[] {bootloader, tee, snp, microcode, fmc}) {
      if (v < 0 || v > 0xff) {
        throw new IllegalArgumentException("an SNP TCB component is one byte");
      }
    }
  }

  /**
   * Decodes the little-endian 64-bit TCB_VERSION. Milan and Genoa: byte 0 bootloader, 1 TEE, 6 SNP,
   * 7 microcode. Turin: 0 FMC, 1 bootloader, 2 TEE, 3 SNP, 7 microcode.
   */
  public static SnpTcb decode(long raw, boolean turin) {
    int[] b = new int[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (int) ((raw >>> (8 * i)) & 0xff);
    }
    return turin ? new SnpTcb(b[1], b[2], b[3], b[7], b[0]) : new SnpTcb(b[0], b[1], b[6], b[7], 0);
  }

  /** Whether every component is at least the one of {@code minimum}. */
  public boolean atLeast(SnpTcb minimum) {
    return bootloader >= minimum.bootloader
        && tee >= minimum.tee
        && snp >= minimum.snp
        && microcode >= minimum.microcode
        && fmc >= minimum.fmc;
  }

  @Override
  public String toString() {
    return "bootloader "
        + bootloader
        + ", tee "
        + tee
        + ", snp "
        + snp
        + ", microcode "
        + microcode
        + (fmc != 0 ? ", fmc " + fmc : "");
  }
}
