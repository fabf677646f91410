package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;

/**
 * The 48-byte header common to quote versions 3, 4 and 5.
 *
 * @param teeType 0x00 for SGX, 0x81 for TDX (the field is reserved, and zero, in v3)
 */
public record QuoteHeader(
    int version,
    int attestationKeyType,
    long teeType,
    int qeSvn,
    int pceSvn,
    ByteString qeVendorId,
    ByteString userData) {

  public static final int SIZE = 48;
  public static final long TEE_TYPE_SGX = 0x00;
  public static final long TEE_TYPE_TDX = 0x81;
  public static final int ATTESTATION_KEY_ECDSA_P256 = 2;
  public static final ByteString INTEL_QE_VENDOR_ID =
      ByteString.fromHex("939a7233f79c4ca9940a0db3957f0607");
}
