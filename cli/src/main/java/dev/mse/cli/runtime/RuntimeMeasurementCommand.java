package dev.mse.cli.runtime;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mse runtime measurement}: the digest the simulated TEE reports as MRENCLAVE, or with
 * {@code --tee gramine-sgx} the MRENCLAVE and MRSIGNER of the runtime signed for Gramine.
 */
@Command(
    name = "measurement",
    mixinStandardHelpOptions = true,
    description = {
      "Print the measurement (hex) of the runtime distribution: the MRENCLAVE the simulated TEE"
          + " reports. Anyone who rebuilds the runtime from the same sources gets the same value.",
      "With --tee gramine-sgx --sig FILE: the MRENCLAVE and MRSIGNER of the runtime signed for"
          + " Gramine (the .sig that gramine-sgx-sign wrote), through gramine-sgx-sigstruct-view"
          + " where installed, else read from the SIGSTRUCT itself, whose signature is checked."
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

  @Option(
      names = "--tee",
      defaultValue = "simulation",
      paramLabel = "TEE",
      description = "simulation or gramine-sgx (default: ${DEFAULT-VALUE})")
  String tee;

  @Option(
      names = "--sig",
      paramLabel = "FILE",
      description = "gramine-sgx: the SIGSTRUCT (.sig) of the signed runtime manifest")
  Path sig;

  @Option(
      names = "--signer-key",
      paramLabel = "PEM",
      description =
          "gramine-sgx: the RSA-3072 key it must be signed with (its MRSIGNER is then checked)")
  Path signerKey;

  @Override
  public Integer call() {
    if (tee.equals("gramine-sgx")) {
      if (sig == null) {
        throw new dev.mse.cli.UserError(
            "--tee gramine-sgx needs --sig FILE: the .sig that gramine-sgx-sign wrote");
      }
      GramineMeasurement m = GramineMeasurement.of(sig, Optional.ofNullable(signerKey));
      spec.commandLine().getOut().println("mrenclave: " + m.mrEnclave().hex());
      spec.commandLine().getOut().println("mrsigner:  " + m.mrSigner().hex());
      spec.commandLine().getOut().flush();
      return 0;
    }
    if (!tee.equals("simulation")) {
      throw new dev.mse.cli.UserError("--tee must be simulation or gramine-sgx, got '" + tee + "'");
    }
    RuntimeDistribution distribution = RuntimeDistribution.locate(Optional.ofNullable(runtime));
    spec.commandLine().getOut().println(distribution.measurement().hex());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
