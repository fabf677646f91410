package dev.mse.attestation.ratls;

/**
 * A CBOR item outside the strict deterministic subset that {@link CborReader} accepts. Internal:
 * callers turn it into the exception of the format they read ({@link ClaimsFormatException}, {@link
 * RaTlsFormatException}).
 */
final class CborFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  CborFormatException(String message) {
    super(message);
  }
}
