package dev.mse.protocol.deploy;

/** A deployment config that is malformed, not canonical, or inconsistent. */
public final class DeploymentConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public DeploymentConfigException(String message) {
    super(message);
  }

  public DeploymentConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
