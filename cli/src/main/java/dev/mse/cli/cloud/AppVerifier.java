package dev.mse.cli.cloud;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.ClaimsFormatException;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsExtensions;
import dev.mse.attestation.ratls.RaTlsFormatException;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.verify.TeeKind;
import dev.mse.cli.UserError;
import dev.mse.cli.enclave.CapturingTrust;
import dev.mse.cli.enclave.EnclaveClient;
import dev.mse.cli.enclave.FreshEvidence;
import dev.mse.cli.enclave.ServedCertificate;
import dev.mse.cli.owner.AppBuilder;
import dev.mse.cli.owner.ProjectPackage;
import dev.mse.protocol.config.AppFields;
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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What a user's verifier checks of the app at DOMAIN[:PORT], set up once and applied to each
 * certificate served there: fresh evidence from the app's enclave name about exactly that
 * certificate's key, under the policy and the user's expectations (code fingerprint, or the owner's
 * exported context). Shared by {@code mse cloud verify} (once) and {@code mse proxy} (at start and
 * for every new upstream connection whose certificate has no recent verdict).
 */
public final class AppVerifier {
  private final Target app;
  private final String host;
  private final Optional<Target> enclaveAt;
  private final AppraisalPolicy policy;
  private final RaTlsOptions expected;
  private final Optional<String> contextDomain;
  private final Optional<URI> pccs;

  /** Fresh evidence that verified, and its appraisal. */
  public record Verified(FreshEvidence fresh, RaTlsAppraisal appraisal) {
    /** What was verified: the TEE, its measurements and the claims a user decides on. */
    public void describe(PrintWriter out, String domain) {
      AttestationClaims claims = fresh.claims();
      TeeKind tee = appraisal.quote().orElseThrow().tee();
      out.println(
          "verified "
              + domain
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
      out.println("  tls:          " + claims.tls().wireName() + " (who serves it in the TEE)");
      out.println("  state:        " + claims.state().wireName());
      claims.codeSha256().ifPresent(c -> out.println("  code sha256:  " + c.hex()));
      out.println("  expires:      " + claims.expires());
    }
  }

  /** What the user expects of the code: nothing, a code fingerprint, or the owner's context. */
  public sealed interface Expectation {
    /** Only the platform and the runtime are checked. */
    record Platform() implements Expectation {}

    /** The code archive's SHA-256, from the app's owner. */
    record Fingerprint(String codeSha256) implements Expectation {}

    /** The owner's exported context, and optionally the app's sources to rebuild the code. */
    record Context(Path file, Optional<Path> code) implements Expectation {}
  }

  private AppVerifier(
      Target app,
      String host,
      Optional<Target> enclaveAt,
      AppraisalPolicy policy,
      RaTlsOptions expected,
      Optional<String> contextDomain,
      Optional<URI> pccs) {
    this.app = app;
    this.host = host;
    this.enclaveAt = enclaveAt;
    this.policy = policy;
    this.expected = expected;
    this.contextDomain = contextDomain;
    this.pccs = pccs;
  }

  /**
   * @param target DOMAIN[:PORT] (port default 443)
   * @param connect where to connect instead of resolving DOMAIN
   * @param enclaveName NAME[:PORT] of the enclave when it cannot be told from DOMAIN
   * @param notes where warnings go (no code check)
   */
  public static AppVerifier of(
      String target,
      Optional<String> connect,
      Optional<String> enclaveName,
      Expectation expectation,
      AppraisalPolicy policy,
      Optional<URI> pccs,
      PrintWriter notes) {
    Target t = Target.parse(target);
    String host = connect.orElse(t.connectHost());
    Optional<AppContext> exported =
        expectation instanceof Expectation.Context c
            ? Optional.of(AppContext.read(c.file()))
            : Optional.empty();
    Optional<Target> enclaveAt = enclaveTarget(t, enclaveName, exported);
    RaTlsOptions options = RaTlsOptions.none();
    switch (expectation) {
      case Expectation.Fingerprint f ->
          options = options.withCodeSha256(hex(f.codeSha256(), "--fingerprint"));
      case Expectation.Context c -> {
        AppContext ctx = exported.orElseThrow();
        options =
            options
                .withAppId(ctx.appId())
                .withPackageSha256(hex(ctx.packageSha256(), "the context's package_sha256"))
                .withConfigSha256(
                    ByteString.of(ctx.deploymentConfig().getBytes(StandardCharsets.UTF_8)).sha256())
                .withCodeSha256(
                    c.code().isPresent()
                        ? codeSha256(c.code().get())
                        : hex(ctx.codeSha256(), "the context's code_sha256"));
      }
      case Expectation.Platform p -> {
        notes.println(
            "mse: warning: no --fingerprint, --context or --policy: the code is not checked, only"
                + " that an mse enclave serves this certificate");
        notes.flush();
      }
    }
    return new AppVerifier(
        t, host, enclaveAt, policy, options, exported.map(AppContext::domain), pccs);
  }

  /** The app's domain, as given (lower case). */
  public String domain() {
    return app.domain();
  }

  /** The app's port. */
  public int port() {
    return app.port();
  }

  /** Where connections to the app go (DOMAIN, or --connect; *.localhost is loopback). */
  public String connectHost() {
    return host;
  }

  /** The certificate served at the app's name now (only a handshake, no request). */
  public X509Certificate served() {
    return ServedCertificate.fetch(
        "the app at " + app.domain(), host, app.port(), Optional.of(app.domain()));
  }

  /**
   * Asks the enclave for fresh evidence about {@code served}'s key and checks it; prints the
   * reasons to {@code err} and returns null when it does not verify.
   *
   * @throws UserError when the enclave cannot be reached or its evidence cannot be read or does not
   *     name {@code served}'s key
   */
  public Verified verify(X509Certificate served, PrintWriter err) {
    Target enclaveAt = this.enclaveAt.orElseGet(() -> enclaveNamedBy(served));
    EnclaveClient enclave =
        new EnclaveClient(
            "the enclave of " + app.domain() + " (" + enclaveAt.domain() + ")",
            host,
            enclaveAt.port(),
            Optional.of(enclaveAt.domain()),
            CapturingTrust.context());
    FreshEvidence fresh = FreshEvidence.forServed(enclave, served);
    VerifyCommand.Verified v =
        VerifyCommand.check(
            app.domain(),
            fresh,
            VerifyCommand.collateral(fresh, pccs, err),
            policy,
            expected.withNonce(fresh.claims().nonce().orElseThrow()),
            contextDomain,
            err);
    return v == null ? null : new Verified(v.fresh(), v.appraisal());
  }

  /**
   * Where the enclave of the app at {@code domain} answers, when the options or the name tell:
   * {@code --enclave}, the exported context's enclave name, {@code domain} itself when it is an
   * enclave name, or {@code <id>.enclave.<apps domain>} for an app's id name {@code <id>.<apps
   * domain>}. Empty for an app's stable name: the certificate served there tells ({@link
   * #enclaveNamedBy}).
   */
  private static Optional<Target> enclaveTarget(
      Target app, Optional<String> enclaveName, Optional<AppContext> exported) {
    if (enclaveName.isPresent()) {
      String name = enclaveName.get();
      Target given = Target.parse(name.strip());
      if (!AppFields.isDomainName(given.domain())) {
        throw new UserError("--enclave must be a DNS name, got '" + name + "'");
      }
      return Optional.of(name.contains(":") ? given : new Target(given.domain(), app.port()));
    }
    if (exported.isPresent()) {
      return Optional.of(new Target(exported.get().enclaveDomain(), app.port()));
    }
    String domain = app.domain();
    String[] labels = domain.split("\\.", 3);
    if (labels.length == 3 && isUuid(labels[0]) && labels[1].equals("enclave")) {
      return Optional.of(app);
    }
    int dot = domain.indexOf('.');
    if (dot > 0 && isUuid(domain.substring(0, dot))) {
      return Optional.of(
          new Target(domain.substring(0, dot) + ".enclave" + domain.substring(dot), app.port()));
    }
    return Optional.empty();
  }

  /**
   * The enclave name of the app whose RA-TLS certificate was served at its stable name {@code
   * <name>-<tag>.<apps domain>}: {@code <app id of its claims>.enclave.<apps domain>}. Only where
   * to ask: the fresh evidence asked for there must still name this certificate's key, this domain
   * and what the user expects.
   */
  private Target enclaveNamedBy(X509Certificate served) {
    int dot = app.domain().indexOf('.');
    try {
      UUID appId =
          AttestationClaims.decode(RaTlsExtensions.read(served).evidence().claims().toByteArray())
              .appId();
      if (dot > 0) {
        return new Target(appId + ".enclave" + app.domain().substring(dot), app.port());
      }
    } catch (RaTlsFormatException | ClaimsFormatException e) {
      // not an RA-TLS certificate (owner mode, or TLS ended by the operator): say what to give
    }
    throw new UserError(
        "cannot tell where the enclave of "
            + app.domain()
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

  /** The code archive's SHA-256 of the project in {@code dir}, built here as its owner built it. */
  private static ByteString codeSha256(Path dir) {
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
