package dev.mse.attestation.quote;

/** The bytes are not a well-formed quote of a supported version. */
public final class QuoteFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public QuoteFormatException(String message) {
    super(message);
  }

  public QuoteFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
