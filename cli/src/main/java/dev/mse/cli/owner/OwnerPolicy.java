package dev.mse.cli.owner;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyException;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.runtime.RuntimeDistribution;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The appraisal policy an owner or user applies to an enclave: a TOML policy file when given, else
 * the defaults with the expected MRENCLAVE set to the local runtime distribution's measurement (the
 * runtime the owner can rebuild and inspect). Simulated TEEs are refused unless asked for.
 */
public final class OwnerPolicy {
  private OwnerPolicy() {}

  /**
   * @param file a policy file, which then decides everything
   * @param runtime the runtime distribution whose measurement is expected (default: located)
   * @param allowSimulation accept the simulated TEE (tests and demos: not confidential)
   * @param expectMeasurement false only for {@code --no-verify}: any runtime measurement
   */
  public static AppraisalPolicy of(
      Optional<Path> file,
      Optional<Path> runtime,
      boolean allowSimulation,
      boolean expectMeasurement) {
    if (file.isPresent()) {
      try {
        return PolicyParser.parse(
            new String(UserFiles.read(file.get(), "policy file"), StandardCharsets.UTF_8));
      } catch (PolicyException e) {
        throw new UserError("policy " + file.get() + ": " + e.getMessage(), e);
      }
    }
    AppraisalPolicy defaults = AppraisalPolicy.defaults();
    List<ByteString> measurements =
        expectMeasurement ? List.of(RuntimeDistribution.locate(runtime).measurement()) : List.of();
    return new AppraisalPolicy(
        new AppraisalPolicy.Sgx(measurements, List.of(), OptionalInt.empty(), OptionalInt.empty()),
        defaults.tdx(),
        defaults.acceptedStatuses(),
        defaults.acceptedAdvisories(),
        defaults.gracePeriod(),
        false,
        allowSimulation);
  }
}
