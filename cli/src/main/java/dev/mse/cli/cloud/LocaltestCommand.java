package dev.mse.cli.cloud;

import dev.mse.cli.owner.LocalRun;
import dev.mse.cli.owner.ProjectPackage;
import dev.mse.protocol.config.MseToml;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mse cloud localtest}: the app and its tests on this machine, without a TEE. */
@Command(
    name = "localtest",
    mixinStandardHelpOptions = true,
    description =
        "Build the app, run it here as a plain JVM (no TEE, same environment variables as in the"
            + " enclave), wait for its healthcheck, and run tests_cmd with TEST_REMOTE_URL set."
            + " --no-tests keeps the app running until Ctrl-C.")
final class LocaltestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--path",
      defaultValue = "mse.toml",
      paramLabel = "FILE",
      description = "the app's mse.toml (default: ${DEFAULT-VALUE})")
  Path path;

  @Option(names = "--no-tests", description = "only run the app, until Ctrl-C")
  boolean noTests;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    MseToml toml = ProjectPackage.readToml(path.toAbsolutePath().normalize());
    Optional<Path> secrets = toml.cloud().flatMap(MseToml.Cloud::secrets);
    Path toSeal = toml.directory().resolve("secrets_to_seal.json");
    Optional<Path> sealed = Files.isRegularFile(toSeal) ? Optional.of(toSeal) : Optional.empty();
    return LocalRun.localtest(toml, toml.tls(), secrets, sealed, noTests, out);
  }
}
