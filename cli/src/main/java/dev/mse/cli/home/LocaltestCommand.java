package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.UserError;
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
import tools.jackson.databind.node.ObjectNode;

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

  @Option(
      names = "--code",
      paramLabel = "DIR",
      description =
          "as MSE, instead of --project: the app's sources (default: --config's directory)")
  Path code;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "as MSE, instead of --project: the app's mse.toml (default: DIR/mse.toml)")
  Path config;

  @Option(
      names = "--test",
      paramLabel = "DIR",
      description = "where tests_cmd runs (default: the project's directory)")
  Path test;

  @Option(names = "--json", description = "print JSON (notes and the tests' output go to stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (json && noTests) {
      throw new UserError("--json reports the tests: it does not go with --no-tests");
    }
    boolean split = code != null || config != null;
    if (split && spec.commandLine().getParseResult().hasMatchedOption("--project")) {
      throw new UserError("give --project, or --code and --config, not both");
    }
    Path dir = (code != null ? code : project).toAbsolutePath().normalize();
    Path file =
        config != null ? config.toAbsolutePath().normalize() : dir.resolve(MseToml.FILE_NAME);
    MseToml read = ProjectPackage.readToml(file);
    if (code == null) {
      dir = read.directory();
    }
    // The sources are built where --code says, whatever directory the config file is in.
    MseToml toml =
        new MseToml(
            dir,
            read.name(),
            read.javaApplication(),
            read.mainJar(),
            read.healthcheckEndpoint(),
            read.testsCmd(),
            read.tls(),
            read.cloud());
    int code =
        LocalRun.localtest(
            toml,
            toml.tls(),
            orDefault(secrets, dir.resolve("secrets.json")),
            orDefault(sealedSecrets, dir.resolve("secrets_to_seal.json")),
            noTests,
            test != null ? test.toAbsolutePath().normalize() : dir,
            json ? spec.commandLine().getErr() : spec.commandLine().getOut(),
            json);
    if (json) {
      ObjectNode n = Json.object();
      n.put("name", toml.name());
      toml.testsCmd().ifPresent(t -> n.put("tests_cmd", t));
      n.put("passed", code == 0);
      spec.commandLine().getOut().println(Json.write(n));
      spec.commandLine().getOut().flush();
    }
    return code;
  }

  private static Optional<Path> orDefault(Path given, Path fallback) {
    return given != null
        ? Optional.of(given)
        : Files.isRegularFile(fallback) ? Optional.of(fallback) : Optional.empty();
  }
}
