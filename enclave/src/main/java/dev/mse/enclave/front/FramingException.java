package dev.mse.enclave.front;

/** The byte stream on a relayed connection is not HTTP/1.1 the relay can follow. */
final class FramingException extends Exception {
  private static final long serialVersionUID = 1L;

  FramingException(String message) {
    super(message);
  }
}
