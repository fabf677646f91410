package dev.mse.attestation.collateral;

import java.io.IOException;
import java.net.URI;
import java.util.OptionalInt;

/**
 * Collateral could not be fetched from Intel PCS or a PCCS: the server answered with an error
 * status, did not answer in time, sent too much, or sent something that is not collateral. It says
 * which URL failed and, when there was an HTTP answer, its status, so that a user can tell a wrong
 * FMSPC (404) from an outage.
 */
public final class PcsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final URI url;
  private final int status;

  /** A failure with an HTTP status. */
  public PcsException(URI url, int status, String message, Throwable cause) {
    super(message, cause);
    this.url = url;
    this.status = status;
  }

  /** A failure without an HTTP answer (connection refused, timeout, oversize body). */
  public PcsException(URI url, String message, Throwable cause) {
    this(url, -1, message, cause);
  }

  public URI url() {
    return url;
  }

  /** The HTTP status of the answer, if there was one. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
