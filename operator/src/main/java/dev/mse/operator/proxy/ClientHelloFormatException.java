package dev.mse.operator.proxy;

/**
 * The bytes a client sent are not a TLS ClientHello the proxy can route: not TLS, truncated,
 * inconsistent lengths, too large, or a server name that is not a DNS host name. The only exception
 * {@link ClientHelloParser} throws for bad input.
 */
public final class ClientHelloFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public ClientHelloFormatException(String message) {
    super(message);
  }
}
