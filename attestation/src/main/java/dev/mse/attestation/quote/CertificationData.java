package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;

/**
 * QE certification data: for type 5 ({@link #PCK_CERT_CHAIN}), the PEM chain of PCK leaf,
 * intermediate CA and root.
 */
public record CertificationData(int type, ByteString data) {
  public static final int PCK_CERT_CHAIN = 5;
  public static final int QE_REPORT_CERTIFICATION = 6;
}
