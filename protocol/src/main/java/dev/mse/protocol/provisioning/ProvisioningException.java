package dev.mse.protocol.provisioning;

/**
 * A provisioning or sealed-secrets message the enclave refuses. The {@link Reason} lets the runtime
 * answer the right HTTP status; the message never says which check of the authentication failed, so
 * a forger learns nothing from it.
 */
public final class ProvisioningException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the message was refused. */
  public enum Reason {
    /** Not a message of a known version and layout. */
    MALFORMED,
    /** Wrong sender key, recipient key, app id or config digest, or altered bytes. */
    NOT_AUTHENTIC,
    /** The enclave has already accepted a provisioning message. */
    ALREADY_PROVISIONED
  }

  private final Reason reason;

  public ProvisioningException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ProvisioningException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
