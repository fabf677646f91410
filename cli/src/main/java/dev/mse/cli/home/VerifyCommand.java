package dev.mse.cli.home;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsReason;
import dev.mse.attestation.ratls.RaTlsVerifier;
import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.enclave.CapturingTrust;
import dev.mse.cli.enclave.EnclaveClient;
import dev.mse.cli.enclave.FreshEvidence;
import dev.mse.cli.enclave.ServedCertificate;
import dev.mse.cli.owner.EvidenceCheck;
import dev.mse.cli.owner.EvidenceFile;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.cli.owner.OwnerPolicy;
import dev.mse.cli.quote.PccsOption;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.AppPackageException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

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
          + " reason and exits 1. Role: code provider.",
      "With --app HOST:PORT (the app's port, once it runs), also checks the app as its users"
          + " would: takes the certificate served there, asks the runtime (--enclave-port) for"
          + " fresh evidence about exactly that key, verifies it against the same policy and"
          + " package, and writes that certificate to DIR/cert.pem (curl --cacert)."
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

  @Mixin PccsOption pccsOption;

  @Option(
      names = "--runtime",
      paramLabel = "DIR",
      description =
          "the runtime distribution whose measurement is expected (default: as 'mse runtime measurement')")
  Path runtime;

  @Option(
      names = "--app",
      paramLabel = "HOST:PORT",
      description = "the app's address and port: verify the certificate it serves (see above)")
  String appAddress;

  @Option(
      names = "--enclave-port",
      paramLabel = "N",
      description = "the runtime's port on HOST, for --app (default: the app's port + 1)")
  Integer enclavePort;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    EvidenceFile evidence = EvidenceFile.read(evidencePath);
    AppPackage pkg = readPackage(packagePath);
    AppraisalPolicy policy = policy();
    Optional<dev.mse.protocol.provisioning.X25519PublicKey> owner =
        java.nio.file.Files.exists(OwnerKey.publicFile())
            ? Optional.of(OwnerKey.readPublic(OwnerKey.publicFile()))
            : Optional.empty();
    EvidenceCheck.Result result =
        EvidenceCheck.check(
            evidence,
            pkg,
            policy,
            owner,
            Instant.now(),
            Optional.of(pccsOption.source(spec.commandLine().getErr())));
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
    if (json) {
      ObjectNode n = Json.object();
      n.put("tee", quote.tee().toString());
      n.put("simulated", quote.tee() == dev.mse.attestation.verify.TeeKind.SIMULATED);
      ObjectNode m = n.putObject("measurements");
      quote.measurements().forEach((k, v) -> m.put(k, String.valueOf(v)));
      n.put("app_id", claims.appId().toString());
      n.put("domain", claims.domain());
      n.put("package_sha256", claims.packageSha256().hex());
      n.put("config_sha256", claims.configSha256().hex());
      n.put("state", claims.state().wireName());
      n.put("expires", String.valueOf(claims.expires()));
      n.put("certificate", pem.toString());
      if (appAddress != null) {
        Optional<Path> served = verifyServed(pkg, policy, claims);
        if (served.isEmpty()) {
          return 1;
        }
        n.put("served_certificate", served.get().toString());
      }
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
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
    if (appAddress != null) {
      Optional<Path> served = verifyServed(pkg, policy, claims);
      if (served.isEmpty()) {
        return 1;
      }
      out.println("verified the certificate the app serves at " + appAddress);
      out.println("wrote " + served.get());
    }
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

  /**
   * The users' check: the certificate served at the app's port, and fresh evidence from the
   * runtime's port that names its key, for this package and the config of the evidence file. Writes
   * {@code cert.pem}; prints the reasons and returns empty when anything fails.
   */
  private Optional<Path> verifyServed(
      AppPackage pkg, AppraisalPolicy policy, AttestationClaims recorded) {
    int colon = appAddress.lastIndexOf(':');
    String host;
    int port;
    try {
      host = appAddress.substring(0, colon);
      port = Integer.parseInt(appAddress.substring(colon + 1));
    } catch (IndexOutOfBoundsException | NumberFormatException e) {
      throw new UserError("--app must be HOST:PORT, got '" + appAddress + "'", e);
    }
    int runtimePort = enclavePort != null ? enclavePort : port + 1;
    if (host.isEmpty() || port < 1 || port > 65535 || runtimePort < 1 || runtimePort > 65535) {
      throw new UserError("--app must be HOST:PORT and --enclave-port a port");
    }
    // The app's domain as SNI: in the owner's mode it selects the owner's certificate.
    X509Certificate served =
        ServedCertificate.fetch(
            "the app at " + appAddress, host, port, Optional.of(recorded.domain()));
    EnclaveClient runtime =
        new EnclaveClient(
            "the runtime at " + host + ":" + runtimePort,
            host,
            runtimePort,
            Optional.of(recorded.domain()),
            CapturingTrust.context());
    FreshEvidence fresh = FreshEvidence.forServed(runtime, served);
    RaTlsOptions options =
        RaTlsOptions.none()
            .withNonce(fresh.claims().nonce().orElseThrow())
            .withAppId(recorded.appId())
            .withPackageSha256(pkg.packageSha256())
            .withConfigSha256(recorded.configSha256())
            .withStates(
                EnumSet.of(AttestationClaims.State.WAITING, AttestationClaims.State.RUNNING));
    if (fresh.claims().state() == AttestationClaims.State.RUNNING) {
      options = options.withCodeSha256(pkg.manifest().codeSha256());
    }
    PrintWriter err = spec.commandLine().getErr();
    RaTlsAppraisal appraisal =
        RaTlsVerifier.standard()
            .verifyFresh(
                served,
                fresh.quote().toByteArray(),
                fresh.claimBytes().toByteArray(),
                fresh.collateral(pccsOption.url(), err),
                policy,
                Instant.now(),
                options);
    if (!appraisal.accepted()) {
      err.println("mse: the certificate served at " + appAddress + " does not verify:");
      for (RaTlsReason r : appraisal.reasons()) {
        err.println("  - " + r.check().subject() + ": " + r.message());
      }
      err.flush();
      return Optional.empty();
    }
    Path cert = output.toAbsolutePath().resolve("cert.pem");
    PrivateFiles.writePublic(cert, fresh.certificatePem().getBytes(StandardCharsets.US_ASCII));
    return Optional.of(cert);
  }
}
