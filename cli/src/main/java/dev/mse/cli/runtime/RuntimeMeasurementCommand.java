package dev.mse.cli.runtime;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mse runtime measurement}: the digest the simulated TEE reports as MRENCLAVE. */
@Command(
    name = "measurement",
    mixinStandardHelpOptions = true,
    description = {
      "Print the measurement (hex) of the runtime distribution: the MRENCLAVE the simulated TEE"
          + " reports. Anyone who rebuilds the runtime from the same sources gets the same value."
    })
final class RuntimeMeasurementCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--runtime",
      paramLabel = "DIR",
      description =
          "the runtime distribution (default: $MSE_RUNTIME_DIR, else enclave/target/runtime of"
              + " the source tree this CLI was built in)")
  Path runtime;

  @Override
  public Integer call() {
    RuntimeDistribution distribution = RuntimeDistribution.locate(Optional.ofNullable(runtime));
    spec.commandLine().getOut().println(distribution.measurement().hex());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
