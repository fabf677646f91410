package dev.mse.cli.cloud;

import dev.mse.attestation.codec.ByteString;
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
import dev.mse.cli.UserError;
import dev.mse.cli.enclave.CapturingTrust;
import dev.mse.cli.enclave.EnclaveClient;
import dev.mse.cli.enclave.FreshEvidence;
import dev.mse.cli.enclave.ServedCertificate;
import dev.mse.cli.owner.AppBuilder;
import dev.mse.cli.owner.ProjectPackage;
import dev.mse.protocol.config.MseToml;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.pkg.CodeArchiveException;
import dev.mse.protocol.pkg.MseIgnore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
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

  @Option(
      names = "--pccs",
      paramLabel = "URL",
      description =
          "fetch the collateral from Intel PCS or this PCCS (v4 API), cached on disk, instead of"
              + " using what the enclave sends (default when it sends none: Intel PCS)")
  URI pccs;

  @Option(
      names = "--connect",
      paramLabel = "HOST",
      description = "connect to HOST instead of resolving DOMAIN (*.localhost is loopback)")
  String connect;

  @Option(
      names = "--enclave",
      paramLabel = "NAME[:PORT]",
      description =
          "the app's enclave name (<id>.enclave.<apps domain>, shown by 'mse cloud status'), where"
              + " fresh evidence is asked for; needed only for a custom domain without --context."
              + " PORT (default: DOMAIN's) for a runtime on a port of its own ('mse home spawn"
              + " --enclave-port')")
  String enclaveName;

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
    Target t = Target.parse(target);
    AppraisalPolicy policy = policyOptions.policy(true, err);
    String host = connect != null ? connect : t.connectHost();
    Optional<AppContext> exported =
        expectation != null && expectation.context != null
            ? Optional.of(AppContext.read(expectation.context.context))
            : Optional.empty();
    X509Certificate served =
        ServedCertificate.fetch(
            "the app at " + t.domain(), host, t.port(), Optional.of(t.domain()));
    Target enclaveAt = enclaveTarget(t, exported);
    EnclaveClient enclave =
        new EnclaveClient(
            "the enclave of " + t.domain() + " (" + enclaveAt.domain() + ")",
            host,
            enclaveAt.port(),
            Optional.of(enclaveAt.domain()),
            CapturingTrust.context());
    FreshEvidence fresh = FreshEvidence.forServed(enclave, served);
    RaTlsOptions options = RaTlsOptions.none().withNonce(fresh.claims().nonce().orElseThrow());
    Optional<AppContext> context = Optional.empty();
    if (expectation != null && expectation.fingerprint != null) {
      options = options.withCodeSha256(hex(expectation.fingerprint, "--fingerprint"));
    } else if (exported.isPresent()) {
      AppContext c = exported.get();
      context = exported;
      options =
          options
              .withAppId(c.appId())
              .withPackageSha256(hex(c.packageSha256(), "the context's package_sha256"))
              .withConfigSha256(
                  ByteString.of(c.deploymentConfig().getBytes(StandardCharsets.UTF_8)).sha256());
      ByteString code =
          expectation.context.code != null
              ? codeSha256(expectation.context.code, err)
              : hex(c.codeSha256(), "the context's code_sha256");
      options = options.withCodeSha256(code);
    } else {
      err.println(
          "mse: warning: no --fingerprint, --context or --policy: the code is not checked, only"
              + " that an mse enclave serves this certificate");
    }
    Verified verified =
        check(
            t.domain(),
            fresh,
            collateral(fresh, Optional.ofNullable(pccs), err),
            policy,
            options,
            context.map(AppContext::domain),
            err);
    if (verified == null) {
      return 1;
    }
    RaTlsAppraisal appraisal = verified.appraisal();
    AttestationClaims claims = fresh.claims();
    PrivateFiles.writePublic(output, fresh.certificatePem().getBytes(StandardCharsets.US_ASCII));
    TeeKind tee = appraisal.quote().orElseThrow().tee();
    if (json) {
      ObjectNode n = Json.object();
      n.put("verified", t.domain());
      n.put("tee", tee.toString());
      n.put("simulated", tee == TeeKind.SIMULATED);
      ObjectNode m = n.putObject("measurements");
      appraisal.quote().orElseThrow().measurements().forEach((k, v) -> m.put(k, String.valueOf(v)));
      n.put("app_id", claims.appId().toString());
      n.put("trust", claims.sslOrigin().wireName());
      n.put("state", claims.state().wireName());
      claims.codeSha256().ifPresent(c -> n.put("code_sha256", c.hex()));
      n.put("expires", String.valueOf(claims.expires()));
      n.put("certificate", output.toAbsolutePath().toString());
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.println(
        "verified "
            + t.domain()
            + ": "
            + tee
            + (tee == TeeKind.SIMULATED ? " (simulated TEE: not confidential)" : ""));
    appraisal
        .quote()
        .orElseThrow()
        .measurements()
        .forEach((k, v) -> out.println("  " + k + ": " + v));
    out.println("  app id:       " + claims.appId());
    out.println("  trust:        " + claims.sslOrigin().wireName());
    out.println("  state:        " + claims.state().wireName());
    claims.codeSha256().ifPresent(c -> out.println("  code sha256:  " + c.hex()));
    out.println("  expires:      " + claims.expires());
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
      Collateral collateral,
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
   * Where the enclave of the app at {@code domain} answers: {@code --enclave}, the exported
   * context's enclave name, {@code domain} itself when it is an enclave name, or {@code
   * <id>.enclave.<apps domain>} for an app's own name {@code <id>.<apps domain>}.
   */
  private Target enclaveTarget(Target app, Optional<AppContext> exported) {
    if (enclaveName != null) {
      Target given = Target.parse(enclaveName.strip());
      if (!dev.mse.protocol.config.AppFields.isDomainName(given.domain())) {
        throw new UserError("--enclave must be a DNS name, got '" + enclaveName + "'");
      }
      return enclaveName.contains(":") ? given : new Target(given.domain(), app.port());
    }
    if (exported.isPresent()) {
      return new Target(exported.get().enclaveDomain(), app.port());
    }
    return new Target(enclaveName(app.domain()), app.port());
  }

  private static String enclaveName(String domain) {
    String[] labels = domain.split("\\.", 3);
    if (labels.length == 3 && isUuid(labels[0]) && labels[1].equals("enclave")) {
      return domain;
    }
    int dot = domain.indexOf('.');
    if (dot > 0 && isUuid(domain.substring(0, dot))) {
      return domain.substring(0, dot) + ".enclave" + domain.substring(dot);
    }
    throw new UserError(
        "cannot tell where the enclave of "
            + domain
            + " answers: give --enclave <id>.enclave.<apps domain> ('mse cloud status' shows it)"
            + " or the app's --context");
  }

  private static boolean isUuid(String label) {
    try {
      return UUID.fromString(label).toString().equals(label);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The collateral to appraise the fresh quote with: from the PCCS when one is named, else what the
   * enclave sent (the simulated TEE sends its own), else from Intel PCS.
   */
  static Collateral collateral(FreshEvidence fresh, Optional<URI> pccs, PrintWriter err) {
    return fresh.collateral(pccs, err);
  }

  /** The code archive's SHA-256 of the project in {@code dir}, built here as its owner built it. */
  private static ByteString codeSha256(Path dir, PrintWriter notes) {
    MseToml toml = ProjectPackage.readToml(dir.resolve(MseToml.FILE_NAME));
    StringWriter quiet = new StringWriter();
    Path code = AppBuilder.build(toml.directory(), toml, new PrintWriter(quiet));
    try {
      byte[] archive = CodeArchive.create(code, MseIgnore.load(toml.directory()));
      try {
        return CodeArchive.sha256(archive);
      } finally {
        Arrays.fill(archive, (byte) 0);
      }
    } catch (IOException | CodeArchiveException e) {
      throw new UserError("cannot archive the code of " + dir + ": " + e.getMessage(), e);
    }
  }

  private static ByteString hex(String s, String what) {
    try {
      byte[] b = HexFormat.of().parseHex(s.strip().toLowerCase(Locale.ROOT));
      if (b.length != 32) {
        throw new UserError(what + " must be 64 hex digits");
      }
      return ByteString.of(b);
    } catch (IllegalArgumentException e) {
      throw new UserError(what + " must be 64 hex digits", e);
    }
  }

  /** DOMAIN[:PORT], and where to connect for it. */
  record Target(String domain, int port) {
    static Target parse(String s) {
      String domain = s;
      int port = 443;
      int colon = s.lastIndexOf(':');
      if (colon > 0) {
        domain = s.substring(0, colon);
        try {
          port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new UserError("'" + s + "' is not DOMAIN or DOMAIN:PORT", e);
        }
      }
      if (domain.startsWith("https://") || domain.contains("/")) {
        throw new UserError("give the domain without https:// or a path, e.g. app.example.com");
      }
      if (port < 1 || port > 65535) {
        throw new UserError("the port must be between 1 and 65535");
      }
      return new Target(domain.toLowerCase(Locale.ROOT), port);
    }

    /** *.localhost names are loopback (RFC 6761), as browsers and curl treat them. */
    String connectHost() {
      return domain.equals("localhost") || domain.endsWith(".localhost") ? "127.0.0.1" : domain;
    }
  }
}
