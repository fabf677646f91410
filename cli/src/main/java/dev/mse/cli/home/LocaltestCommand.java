package dev.mse.cli.home;

import dev.mse.cli.owner.LocalRun;
import dev.mse.cli.owner.ProjectPackage;
import dev.mse.protocol.config.MseToml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mse home localtest}: the app and its tests on this machine, without a TEE. */
@Command(
    name = "localtest",
    mixinStandardHelpOptions = true,
    description = {
      "Build the app of --project, run it here as a plain JVM (no TEE, the environment variables"
          + " the enclave gives it), wait for its healthcheck, and run tests_cmd with"
          + " TEST_REMOTE_URL set. --no-tests keeps the app running until Ctrl-C. Role: code"
          + " provider.",
      "Unlike MSE, no Docker: the runtime is a JVM, so the app runs as one."
    })
final class LocaltestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--project",
      defaultValue = ".",
      paramLabel = "DIR",
      description = "the app's project, with mse.toml (default: the current directory)")
  Path project;

  @Option(
      names = "--secrets",
      paramLabel = "FILE",
      description = "given at $MSE_SECRETS_PATH (default: DIR/secrets.json when it exists)")
  Path secrets;

  @Option(
      names = "--sealed-secrets",
      paramLabel = "FILE",
      description =
          "given, unsealed, at $MSE_SEALED_SECRETS_PATH (default: DIR/secrets_to_seal.json)")
  Path sealedSecrets;

  @Option(names = "--no-tests", description = "only run the app, until Ctrl-C")
  boolean noTests;

  @Override
  public Integer call() throws Exception {
    Path dir = project.toAbsolutePath().normalize();
    MseToml toml = ProjectPackage.readToml(dir.resolve(MseToml.FILE_NAME));
    return LocalRun.localtest(
        toml,
        toml.tls(),
        orDefault(secrets, dir.resolve("secrets.json")),
        orDefault(sealedSecrets, dir.resolve("secrets_to_seal.json")),
        noTests,
        spec.commandLine().getOut());
  }

  private static Optional<Path> orDefault(Path given, Path fallback) {
    return given != null
        ? Optional.of(given)
        : Files.isRegularFile(fallback) ? Optional.of(fallback) : Optional.empty();
  }
}
