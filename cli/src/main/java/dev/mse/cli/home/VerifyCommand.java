package dev.mse.cli.home;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.owner.EvidenceCheck;
import dev.mse.cli.owner.EvidenceFile;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.cli.owner.OwnerPolicy;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.AppPackageException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mse home verify}: is the operator's enclave running my package in the right runtime? */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify, offline, the operator's evidence.json against your package: the RA-TLS"
          + " certificate's quote and collateral, its binding to the TLS key, and claims naming"
          + " this package, the deployment config in the evidence (which must run this package"
          + " and name your owner key), its app id, and a waiting enclave (or a running one whose"
          + " code is this package's). Without --policy, MRENCLAVE must equal the measurement of"
          + " the local runtime distribution ('mse runtime measurement'), as MSE recomputed"
          + " MRENCLAVE. Writes DIR/ratls.pem only when everything checks; otherwise lists every"
          + " reason and exits 1. Role: code provider."
    })
final class VerifyCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--evidence",
      required = true,
      paramLabel = "FILE",
      description = "the operator's evidence.json")
  Path evidencePath;

  @Option(
      names = "--package",
      required = true,
      paramLabel = "FILE",
      description = "your package file")
  Path packagePath;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "where to write the verified ratls.pem")
  Path output;

  @ArgGroup(exclusive = true)
  PolicyChoice policyChoice;

  static final class PolicyChoice {
    @Option(
        names = "--policy",
        paramLabel = "FILE",
        description =
            "appraisal policy (TOML) instead of the default (expected MRENCLAVE = the local runtime's)")
    Path policy;

    @Option(
        names = "--allow-simulation",
        description = "accept the mse simulated TEE (not confidential: tests and demos)")
    boolean allowSimulation;
  }

  @Option(
      names = "--runtime",
      paramLabel = "DIR",
      description =
          "the runtime distribution whose measurement is expected (default: as 'mse runtime measurement')")
  Path runtime;

  @Override
  public Integer call() {
    EvidenceFile evidence = EvidenceFile.read(evidencePath);
    AppPackage pkg = readPackage(packagePath);
    AppraisalPolicy policy = policy();
    Optional<dev.mse.protocol.provisioning.X25519PublicKey> owner =
        java.nio.file.Files.exists(OwnerKey.publicFile())
            ? Optional.of(OwnerKey.readPublic(OwnerKey.publicFile()))
            : Optional.empty();
    EvidenceCheck.Result result = EvidenceCheck.check(evidence, pkg, policy, owner, Instant.now());
    if (!result.accepted()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("mse: the evidence does not verify:");
      result.reasons().forEach(r -> err.println("  - " + r));
      err.flush();
      return 1;
    }
    AttestationClaims claims = result.claims().orElseThrow();
    Path pem = output.toAbsolutePath().resolve("ratls.pem");
    PrivateFiles.writePublic(pem, evidence.certificatePem().getBytes(StandardCharsets.US_ASCII));
    PrintWriter out = spec.commandLine().getOut();
    var quote = result.appraisal().orElseThrow().quote().orElseThrow();
    out.println(
        "verified: "
            + quote.tee()
            + (quote.tee() == dev.mse.attestation.verify.TeeKind.SIMULATED
                ? " (simulated TEE: not confidential)"
                : ""));
    quote.measurements().forEach((k, v) -> out.println("  " + k + ": " + v));
    out.println("  app id:         " + claims.appId());
    out.println("  domain:         " + claims.domain());
    out.println("  package sha256: " + claims.packageSha256().hex());
    out.println("  config sha256:  " + claims.configSha256().hex());
    out.println("  state:          " + claims.state().wireName());
    out.println("  expires:        " + claims.expires());
    out.println("wrote " + pem);
    if (claims.state() == AttestationClaims.State.WAITING) {
      out.println(
          "next: mse home seal --input secrets_to_seal.json --receiver-enclave "
              + pem
              + " --output secrets_to_seal.json.seal");
    }
    out.flush();
    return 0;
  }

  static AppPackage readPackage(Path file) {
    try {
      return AppPackage.read(UserFiles.read(file, "package"));
    } catch (AppPackageException e) {
      throw new UserError(file + " is not an mse package: " + e.getMessage(), e);
    }
  }

  private AppraisalPolicy policy() {
    boolean allowSimulation = policyChoice != null && policyChoice.allowSimulation;
    Optional<Path> file =
        policyChoice == null ? Optional.empty() : Optional.ofNullable(policyChoice.policy);
    return OwnerPolicy.of(file, Optional.ofNullable(runtime), allowSimulation, true);
  }
}
