package dev.mse.attestation.snp;

/** Bytes that are not an SEV-SNP attestation report, or a VCEK/VLEK without readable extensions. */
public final class SnpFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public SnpFormatException(String message) {
    super(message);
  }
}
