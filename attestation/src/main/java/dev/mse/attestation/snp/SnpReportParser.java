package dev.mse.attestation.snp;

import dev.mse.attestation.codec.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads an SEV-SNP attestation report at the fixed offsets of the SEV-SNP firmware ABI
 * specification (AMD publication 56860, table "ATTESTATION_REPORT Structure"). The report has a
 * fixed size, so nothing in it is read as a length; only versions 2 and 3 and the ECDSA P-384
 * signature algorithm are accepted.
 */
public final class SnpReportParser {
  public static final int REPORT_SIZE = 0x4A0;
  public static final int SIGNED_SIZE = 0x2A0;
  private static final int SIGNATURE_ALGORITHM_ECDSA_P384_SHA384 = 1;
  private static final int COMPONENT = 72;
  private static final int USED = 48;

  private SnpReportParser() {}

  /**
   * Whether {@code data} has the size and version of a report; a cheap test to tell a report from a
   * DCAP quote or a Nitro document, not a validation.
   */
  public static boolean looksLikeSnp(byte[] data) {
    if (data.length != REPORT_SIZE) {
      return false;
    }
    int version = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    return version == 2 || version == 3;
  }

  public static SnpReport parse(byte[] data) throws SnpFormatException {
    if (data.length != REPORT_SIZE) {
      throw new SnpFormatException(
          "an SEV-SNP report is " + REPORT_SIZE + " bytes, this input is " + data.length);
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int version = b.getInt(0x00);
    if (version != 2 && version != 3) {
      throw new SnpFormatException(
          "SEV-SNP report version "
              + Integer.toUnsignedString(version)
              + " is not supported (2 or 3)");
    }
    int algorithm = b.getInt(0x34);
    if (algorithm != SIGNATURE_ALGORITHM_ECDSA_P384_SHA384) {
      throw new SnpFormatException(
          "signature algorithm "
              + Integer.toUnsignedString(algorithm)
              + " is not ECDSA P-384 with SHA-384 (1)");
    }
    int vmpl = b.getInt(0x30);
    if (vmpl < 0 || vmpl > 3) {
      throw new SnpFormatException("VMPL " + Integer.toUnsignedString(vmpl) + " is not 0 to 3");
    }
    int flags = b.getInt(0x48);
    return new SnpReport(
        bytes(data, 0, SIGNED_SIZE),
        version,
        Integer.toUnsignedLong(b.getInt(0x04)),
        b.getLong(0x08),
        bytes(data, 0x10, 16),
        bytes(data, 0x20, 16),
        vmpl,
        algorithm,
        b.getLong(0x38),
        b.getLong(0x40),
        (flags >>> 2) & 0x7,
        (flags & 1) != 0,
        (flags & 2) != 0,
        bytes(data, 0x50, 64),
        bytes(data, 0x90, 48),
        bytes(data, 0xC0, 32),
        bytes(data, 0xE0, 48),
        bytes(data, 0x110, 48),
        bytes(data, 0x140, 32),
        bytes(data, 0x160, 32),
        b.getLong(0x180),
        version >= 3
            ? new SnpReport.Cpuid(data[0x188] & 0xff, data[0x189] & 0xff, data[0x18A] & 0xff)
            : new SnpReport.Cpuid(0, 0, 0),
        bytes(data, 0x1A0, 64),
        b.getLong(0x1E0),
        new SnpReport.Firmware(data[0x1EA] & 0xff, data[0x1E9] & 0xff, data[0x1E8] & 0xff),
        new SnpReport.Firmware(data[0x1EE] & 0xff, data[0x1ED] & 0xff, data[0x1EC] & 0xff),
        b.getLong(0x1F0),
        signature(data));
  }

  /**
   * r and s are stored little-endian in 72-byte fields of which P-384 uses 48; the rest must be
   * zero, so that one signature has one encoding.
   */
  private static ByteString signature(byte[] data) throws SnpFormatException {
    byte[] rs = new byte[2 * USED];
    for (int part = 0; part < 2; part++) {
      int base = SIGNED_SIZE + part * COMPONENT;
      for (int i = USED; i < COMPONENT; i++) {
        if (data[base + i] != 0) {
          throw new SnpFormatException(
              "the signature's " + (part == 0 ? "r" : "s") + " has non-zero padding");
        }
      }
      for (int i = 0; i < USED; i++) {
        rs[part * USED + i] = data[base + USED - 1 - i];
      }
    }
    return ByteString.of(rs);
  }

  private static ByteString bytes(byte[] data, int offset, int length) {
    return ByteString.copyOf(data, offset, length);
  }
}
