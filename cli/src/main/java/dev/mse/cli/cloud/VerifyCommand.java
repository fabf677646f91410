package dev.mse.cli.cloud;

import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsReason;
import dev.mse.attestation.ratls.RaTlsVerifier;
import dev.mse.attestation.verify.TeeKind;
import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.enclave.FreshEvidence;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mse cloud verify DOMAIN}: what an app's user runs before trusting it. Takes the
 * certificate served at DOMAIN (where the app terminates its own TLS inside the TEE), asks the
 * enclave, at its enclave name {@code <id>.enclave.<apps domain>}, for evidence made now, for a
 * random nonce, about exactly that certificate's key, verifies it (TEE, runtime measurement, TCB,
 * and what the user expects of the app), and only then writes that certificate to {@code cert.pem}
 * for {@code curl --cacert}. DOMAIN may be the enclave name itself (any trust scenario, owner mode
 * included).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify the app at DOMAIN[:PORT] before trusting it, and write its verified certificate to"
          + " cert.pem (then: curl --cacert cert.pem https://DOMAIN/). No login needed.",
      "What the code must be: --fingerprint CODE_SHA256 (from the app's owner), or --context"
          + " FILE (from 'mse cloud context --export') with --code DIR (the app's sources, rebuilt"
          + " here), or a whole --policy FILE. Without any, only the platform is checked."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DOMAIN[:PORT]", description = "the app's domain (port default 443)")
  String target;

  @Mixin VerifyOptions verifyOptions;

  @Option(
      names = "--connect",
      paramLabel = "HOST",
      description = "connect to HOST instead of resolving DOMAIN (*.localhost is loopback)")
  String connect;

  @Option(
      names = "--output",
      defaultValue = "cert.pem",
      paramLabel = "FILE",
      description = "where to write the verified certificate (default: ${DEFAULT-VALUE})")
  Path output;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AppVerifier verifier = verifyOptions.verifier(target, Optional.ofNullable(connect), err);
    AppVerifier.Verified verified = verifier.verify(verifier.served(), err);
    if (verified == null) {
      return 1;
    }
    FreshEvidence fresh = verified.fresh();
    AppVerifier.Target t = new AppVerifier.Target(verifier.domain(), verifier.port());
    PrivateFiles.writePublic(output, fresh.certificatePem().getBytes(StandardCharsets.US_ASCII));
    if (json) {
      RaTlsAppraisal appraisal = verified.appraisal();
      AttestationClaims claims = fresh.claims();
      TeeKind tee = appraisal.quote().orElseThrow().tee();
      ObjectNode n = Json.object();
      n.put("verified", t.domain());
      n.put("tee", tee.toString());
      n.put("simulated", tee == TeeKind.SIMULATED);
      ObjectNode m = n.putObject("measurements");
      appraisal.quote().orElseThrow().measurements().forEach((k, v) -> m.put(k, String.valueOf(v)));
      n.put("app_id", claims.appId().toString());
      n.put("trust", claims.sslOrigin().wireName());
      n.put("tls", claims.tls().wireName());
      n.put("state", claims.state().wireName());
      claims.codeSha256().ifPresent(c -> n.put("code_sha256", c.hex()));
      n.put("expires", String.valueOf(claims.expires()));
      n.put("certificate", output.toAbsolutePath().toString());
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    verified.describe(out, t.domain());
    out.println("wrote " + output.toAbsolutePath());
    out.println(
        "call it: curl --cacert "
            + output
            + " https://"
            + t.domain()
            + (t.port() == 443 ? "" : ":" + t.port())
            + "/");
    out.flush();
    return 0;
  }

  /** Fresh evidence that verified, and its appraisal. */
  record Verified(FreshEvidence fresh, RaTlsAppraisal appraisal) {}

  /**
   * Verifies {@code fresh} for {@code domain}; prints the reasons and returns null when it fails.
   *
   * @param alsoAccepted another name the claims may carry (the context's domain)
   */
  static Verified check(
      String domain,
      FreshEvidence fresh,
      Optional<Collateral> collateral,
      AppraisalPolicy policy,
      RaTlsOptions options,
      Optional<String> alsoAccepted,
      PrintWriter err) {
    RaTlsAppraisal appraisal =
        RaTlsVerifier.standard()
            .verifyFresh(
                fresh.certificate(),
                fresh.quote().toByteArray(),
                fresh.claimBytes().toByteArray(),
                collateral,
                policy,
                Instant.now(),
                options);
    AttestationClaims claims = fresh.claims();
    if (!claims.domain().equalsIgnoreCase(domain)
        && !alsoAccepted.map(d -> d.equalsIgnoreCase(claims.domain())).orElse(false)
        && !isEnclaveNameOf(domain, claims.appId())) {
      err.println(
          "mse: the enclave serves "
              + claims.domain()
              + ", not "
              + domain
              + ": another app answered");
      err.flush();
      return null;
    }
    if (!appraisal.accepted()) {
      err.println("mse: " + domain + " does not verify:");
      for (RaTlsReason r : appraisal.reasons()) {
        err.println("  - " + r.check().subject() + ": " + r.message());
      }
      err.flush();
      return null;
    }
    return new Verified(fresh, appraisal);
  }

  /**
   * True when {@code name} is the enclave name of {@code appId} ({@code <id>.enclave.<apps
   * domain>}): verifying there checks the enclave of the app the claims name, whatever domain its
   * users call it by (in owner mode, a custom domain).
   */
  static boolean isEnclaveNameOf(String name, UUID appId) {
    return name.toLowerCase(Locale.ROOT).startsWith(appId + ".enclave.");
  }

  /**
   * The collateral to appraise the fresh quote with: none for an SEV-SNP report; what the enclave
   * sent when it is valid now, else from the PCCS when one is named, else from Intel PCS.
   */
  static Optional<Collateral> collateral(FreshEvidence fresh, Optional<URI> pccs, PrintWriter err) {
    return fresh.collateral(pccs, err);
  }
}
