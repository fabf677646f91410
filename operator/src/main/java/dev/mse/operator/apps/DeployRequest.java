package dev.mse.operator.apps;

import java.nio.file.Path;

/**
 * A deployment as uploaded: the caller's choice of project and hardware, the canonical deployment
 * config bytes, and the encrypted package already streamed to a temporary file.
 *
 * @param project project id or name
 * @param hardware offer name
 * @param deploymentConfig the config bytes exactly as received
 * @param packageFile the uploaded package; moved into place on success, left to the caller else
 */
public record DeployRequest(
    String project, String hardware, byte[] deploymentConfig, Path packageFile) {
  public DeployRequest {
    deploymentConfig = deploymentConfig.clone();
  }

  @Override
  public byte[] deploymentConfig() {
    return deploymentConfig.clone();
  }
}
