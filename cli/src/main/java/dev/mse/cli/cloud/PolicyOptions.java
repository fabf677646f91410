package dev.mse.cli.cloud;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.cli.UserError;
import dev.mse.cli.owner.OwnerPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --policy} and {@code --allow-simulation}, shared by the cloud commands that verify an
 * enclave. A policy file decides everything, its {@code allow_simulation} included, so the flag
 * beside it is refused rather than silently ignored or silently widening what the file accepts.
 */
public final class PolicyOptions {
  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "appraisal policy (TOML) instead of the default; it alone decides, simulated TEE"
              + " included (its allow_simulation)")
  Path file;

  @Option(
      names = "--allow-simulation",
      description =
          "accept the mse simulated TEE (tests and demos: not confidential); refused with"
              + " --policy, whose allow_simulation decides")
  boolean allowSimulation;

  /**
   * The policy to apply; with a file, says on {@code notes} what it decides about simulation.
   *
   * @param expectMeasurement without a file, require the local runtime's measurement
   */
  public AppraisalPolicy policy(boolean expectMeasurement, PrintWriter notes) {
    if (file == null) {
      return OwnerPolicy.of(Optional.empty(), Optional.empty(), allowSimulation, expectMeasurement);
    }
    if (allowSimulation) {
      throw new UserError(
          "--allow-simulation cannot be combined with --policy: the policy file decides; set"
              + " allow_simulation = true in it to accept the simulated TEE");
    }
    AppraisalPolicy policy = OwnerPolicy.of(Optional.of(file), Optional.empty(), false, true);
    notes.println(
        "mse: policy "
            + file
            + ": the simulated TEE is "
            + (policy.allowSimulation() ? "accepted" : "refused")
            + " (its allow_simulation)");
    notes.flush();
    return policy;
  }
}
