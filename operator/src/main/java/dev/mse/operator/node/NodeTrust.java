package dev.mse.operator.node;

import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyException;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * How the operator holds its own nodes' evidence, wherever it looks at it (the node status client,
 * the SNI proxy's upstream trust, the console's evidence view), so that all of them reach the same
 * verdict: under {@code node_policy}, with collateral fetched from {@code pccs_url} through one
 * on-disk cache in the nodes directory when a node's own is missing or out of date.
 *
 * @param policy the policy ({@link #policy(OperatorConfig, String)})
 * @param collateral where collateral is fetched; empty without {@code pccs_url}
 */
public record NodeTrust(AppraisalPolicy policy, Optional<CollateralSource> collateral) {

  /**
   * The trust of an operator whose nodes run in {@code tee}.
   *
   * @throws OperatorConfigException when {@code node_policy} cannot be read or parsed
   */
  public static NodeTrust of(OperatorConfig config, String tee) throws OperatorConfigException {
    return new NodeTrust(
        policy(config, tee),
        config
            .pccsUrl()
            .map(
                url ->
                    CollateralSource.pccs(
                        url, new CollateralCache(cacheDir(config), Clock.systemUTC()))));
  }

  /**
   * The collateral cache the operator's verifiers share, in the nodes directory (the operator as it
   * runs names it in {@code [isolation] nodes_dir}).
   */
  public static Path cacheDir(OperatorConfig config) {
    return config
        .isolation()
        .nodesDir()
        .orElse(config.dataDir().resolve("nodes"))
        .resolve("collateral-cache");
  }

  /**
   * The policy the operator holds its nodes' evidence to: {@code node_policy} when given, else the
   * defaults; simulated evidence is always accepted from {@code simulation} nodes, and from others
   * only when that policy says {@code allow_simulation} (a {@code tsm} node on the simulated
   * SEV-SNP signer).
   */
  public static AppraisalPolicy policy(OperatorConfig config, String tee)
      throws OperatorConfigException {
    AppraisalPolicy policy = AppraisalPolicy.defaults();
    if (config.nodePolicy().isPresent()) {
      Path file = config.nodePolicy().get();
      try {
        policy = PolicyParser.parse(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new OperatorConfigException(
            "operator.toml: node_policy " + file + " cannot be read: " + e.getMessage(), e);
      } catch (PolicyException e) {
        throw new OperatorConfigException(
            "operator.toml: node_policy " + file + ": " + e.getMessage(), e);
      }
    }
    return policy.withAllowSimulation(policy.allowSimulation() || tee.equals("simulation"));
  }
}
