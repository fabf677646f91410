package dev.mse.cli.cloud;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.cli.quote.PccsOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a user expects of an app and how its enclave is appraised: the options that {@code mse cloud
 * verify} and {@code mse proxy} share, so both verify from the same flags the same way ({@link
 * AppVerifier}).
 */
public final class VerifyOptions {
  @ArgGroup(exclusive = true)
  Expectation expectation;

  static final class Expectation {
    @Option(
        names = "--fingerprint",
        paramLabel = "CODE_SHA256",
        description = "the SHA-256 of the app's code archive")
    String fingerprint;

    @ArgGroup(exclusive = false)
    ContextAndCode context;
  }

  static final class ContextAndCode {
    @Option(
        names = "--context",
        required = true,
        paramLabel = "FILE",
        description = "the app's context, as exported by its owner")
    Path context;

    @Option(
        names = "--code",
        paramLabel = "DIR",
        description = "the app's project (mse.toml and sources), rebuilt here to check the code")
    Path code;
  }

  @Mixin PolicyOptions policyOptions;

  @Mixin PccsOption pccs;

  @Option(
      names = "--enclave",
      paramLabel = "NAME[:PORT]",
      description =
          "the app's enclave name (<id>.enclave.<apps domain>, shown by 'mse cloud status'), where"
              + " fresh evidence is asked for; needed only for a custom domain without --context."
              + " PORT (default: DOMAIN's) for a runtime on a port of its own ('mse home spawn"
              + " --enclave-port')")
  String enclaveName;

  /**
   * The verifier of the app at {@code target} (DOMAIN[:PORT]) these options describe.
   *
   * @param connect where to connect instead of resolving DOMAIN
   * @param err where the policy's notes and the verifier's go
   */
  public AppVerifier verifier(String target, Optional<String> connect, PrintWriter err) {
    AppraisalPolicy policy = policyOptions.policy(true, err);
    return AppVerifier.of(
        target, connect, Optional.ofNullable(enclaveName), expectation(), policy, pccs.url(), err);
  }

  /** What the options say the user expects of the code. */
  private AppVerifier.Expectation expectation() {
    if (expectation == null) {
      return new AppVerifier.Expectation.Platform();
    }
    if (expectation.fingerprint != null) {
      return new AppVerifier.Expectation.Fingerprint(expectation.fingerprint);
    }
    return new AppVerifier.Expectation.Context(
        expectation.context.context, Optional.ofNullable(expectation.context.code));
  }
}
