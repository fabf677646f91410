package dev.mse.attestation.nitro;

/** Bytes that are not an AWS Nitro Enclaves attestation document. */
public final class NitroFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public NitroFormatException(String message) {
    super(message);
  }
}
