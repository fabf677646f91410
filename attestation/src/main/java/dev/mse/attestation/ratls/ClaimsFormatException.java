package dev.mse.attestation.ratls;

/**
 * Encoded attestation claims that mse does not accept: not the one deterministic CBOR encoding, an
 * unknown, duplicate or missing claim, a value of the wrong type or size, or trailing bytes. The
 * claims are signed through the quote's report data, so anything but the exact canonical bytes is
 * refused rather than repaired.
 */
public final class ClaimsFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public ClaimsFormatException(String message) {
    super(message);
  }
}
