package dev.mse.attestation.codec;

/**
 * A CBOR item outside the strict deterministic subset that {@link CborReader} accepts. Internal:
 * callers turn it into the exception of the format they read ({@code ClaimsFormatException}, {@code
 * RaTlsFormatException}).
 */
public final class CborFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public CborFormatException(String message) {
    super(message);
  }
}
