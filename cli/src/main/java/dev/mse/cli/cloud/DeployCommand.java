package dev.mse.cli.cloud;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.attestation.verify.TeeKind;
import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.WaitProgress;
import dev.mse.cli.enclave.EnclaveClient;
import dev.mse.cli.enclave.FreshEvidence;
import dev.mse.cli.owner.AppBuilder;
import dev.mse.cli.owner.AppPackager;
import dev.mse.cli.owner.CodeKeys;
import dev.mse.cli.owner.EvidenceCheck;
import dev.mse.cli.owner.EvidenceFile;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.cli.owner.ProjectPackage;
import dev.mse.cli.owner.ProvisioningSealer;
import dev.mse.cli.quote.PccsOption;
import dev.mse.operator.apps.AppDomains;
import dev.mse.protocol.config.MseToml;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.AppPackageException;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.X25519KeyPair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mse cloud deploy}: package and encrypt, upload, wait for the enclave, verify it, provision
 * it, wait until the app runs. The code key, the secrets and the owner's TLS key leave this machine
 * only inside one message sealed to the enclave this command verified.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = {
      "Deploy the app of mse.toml: build and encrypt it here, upload the encrypted package, wait"
          + " for its enclave, verify the enclave's evidence (runtime measurement, package,"
          + " deployment config, app id, TCB), send the code key and secrets sealed to that"
          + " enclave only, and wait until the app runs.",
      "Trust scenarios: zero trust (default: TLS ends in the enclave with an RA-TLS"
          + " certificate), app owner's certificate ([cloud.ssl] in mse.toml), or --untrusted-ssl"
          + " (the operator's certificate: the operator can read the traffic)."
    })
final class DeployCommand implements Callable<Integer> {
  private static final Duration DEFAULT_LIFETIME = Duration.ofDays(365).minusMinutes(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--path",
      defaultValue = "mse.toml",
      paramLabel = "FILE",
      description = "the app's mse.toml (default: ${DEFAULT-VALUE})")
  Path path;

  @Option(names = "-y", description = "replace a running app of the same name without asking")
  boolean yes;

  @Option(
      names = "--no-verify",
      description =
          "accept any runtime measurement (MRENCLAVE) instead of requiring your local runtime's:"
              + " the enclave may run a runtime you have not built or inspected. Still checked:"
              + " the quote's signature chain to the pinned root, TCB status, no debug enclave,"
              + " the simulated TEE refused unless allowed, that the TLS key is the one quoted,"
              + " and that the claims name your package, your deployment config (app id, domain,"
              + " expiry, your owner key, trust scenario) and a waiting enclave. Refused with"
              + " --policy, whose measurements decide")
  boolean noVerify;

  @Option(
      names = "--untrusted-ssl",
      description =
          "TLS ends at the operator's proxy with its certificate (quick tests: the operator can"
              + " read the traffic); [cloud.ssl] is ignored")
  boolean untrustedSsl;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "where to write the package (default: a new temporary directory)")
  Path workspace;

  @Option(
      names = "--timeout",
      defaultValue = "15",
      paramLabel = "MIN",
      description = "minutes to wait for each step (default: ${DEFAULT-VALUE})")
  long timeout;

  @Mixin PolicyOptions policyOptions;

  @Mixin PccsOption pccsOption;

  @Option(names = "--json", description = "print the result as JSON")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (noVerify && policyOptions.file != null) {
      throw new UserError(
          "--no-verify cannot be combined with --policy: the policy file's measurements decide");
    }
    AppraisalPolicy policy = policyOptions.policy(!noVerify, err);
    Progress progress = new Progress(err);
    MseToml toml = ProjectPackage.readToml(path.toAbsolutePath().normalize());
    MseToml.Cloud cloud =
        toml.cloud()
            .orElseThrow(
                () -> new UserError(path + " has no [cloud] table ('mse cloud init' writes one)"));
    ApiClient api = ApiClient.loggedIn();
    JsonNode defaults = api.defaults();
    String hardware = cloud.hardware().orElse(defaults.path("hardware").asString());
    JsonNode offer = api.hardware(hardware);
    Optional<OwnerCertificate> ownerCertificate = Optional.empty();
    SslOrigin origin = SslOrigin.SELF;
    if (untrustedSsl) {
      origin = SslOrigin.OPERATOR;
      err.println(
          "mse: warning: --untrusted-ssl: TLS ends at the operator's proxy, which can read the"
              + " app's traffic");
    } else if (cloud.ssl().isPresent()) {
      origin = SslOrigin.OWNER;
      ownerCertificate = Optional.of(OwnerCertificate.read(cloud.ssl().get(), Instant.now()));
    }
    Instant expires = expires(cloud, ownerCertificate);
    replaceRunning(api, toml.name(), cloud.project(), out);
    // The app's stable name: a redeployment under the same name in the same project keeps it.
    UUID projectId = UUID.fromString(api.project(cloud.project()).path("id").asString());

    progress.step("building and encrypting " + toml.name());
    X25519KeyPair owner = OwnerKey.loadOrCreate(err);
    Path work = workspace();
    AppPackager.Result packaged = ProjectPackage.create(toml, work, err);
    AppPackage pkg = readPackage(packaged.packageFile());
    PackageKey codeKey =
        CodeKeys.find(packaged.packageSha256())
            .orElseThrow(() -> new UserError("the new code key was not kept"));

    UUID appId = UUID.randomUUID();
    String appsDomain = defaults.path("apps_domain").asString();
    String domain =
        ownerCertificate
            .map(OwnerCertificate::domain)
            .orElse(AppDomains.stable(projectId, toml.name(), appsDomain));
    DeploymentConfig config =
        new DeploymentConfig(
            appId,
            toml.name(),
            pkg.manifest().javaApplication(),
            pkg.manifest().mainJar(),
            pkg.manifest().healthcheckEndpoint(),
            origin,
            domain,
            expires,
            owner.publicKey().bytes(),
            pkg.packageSha256(),
            ownerCertificate.map(OwnerCertificate::chainPem),
            pkg.manifest().tls());

    progress.step("uploading the encrypted package (" + size(packaged.packageFile()) + ")");
    JsonNode app;
    try {
      app = api.deploy(cloud.project(), hardware, config.toCanonicalJson(), packaged.packageFile());
    } finally {
      // A workspace of our own held the package and a copy of the code key (kept in the key
      // store): nothing of it may stay in the temporary directory.
      if (workspace == null) {
        deleteQuietly(work);
      }
    }
    progress.step("waiting for the enclave of app " + appId);
    app =
        AppStatusWait.until(
            api,
            appId,
            Set.of("initializing"),
            Duration.ofMinutes(timeout),
            Optional.of(new WaitProgress(err, "the app " + appId)));

    String proxyHost = defaults.path("proxy_host").asString("127.0.0.1");
    int proxyPort = defaults.path("proxy_port").asInt(443);
    String enclaveDomain = app.path("enclave_domain").asString();
    progress.step("verifying the enclave (" + enclaveDomain + ")");
    RaTlsTrustManager trust =
        RaTlsTrustManager.builder(policy)
            .options(
                RaTlsOptions.none()
                    .withAppId(appId)
                    .withPackageSha256(pkg.packageSha256())
                    .withConfigSha256(config.sha256())
                    .withStates(EnumSet.of(AttestationClaims.State.WAITING))
                    .withCollateralSource(pccsOption.source(err)))
            .serverName(domain)
            .build();
    EnclaveClient enclave =
        new EnclaveClient(
            "the enclave of app " + appId,
            proxyHost,
            proxyPort,
            Optional.of(enclaveDomain),
            RaTlsSslContexts.client(trust));
    FreshEvidence fresh;
    try {
      fresh = FreshEvidence.fetch(enclave);
    } catch (UserError e) {
      api.stop(appId);
      throw new UserError(
          "the enclave of app "
              + appId
              + " does not verify: "
              + e.getMessage()
              + "; nothing was sent to it, and the app was stopped (the code stays encrypted)",
          e);
    }
    // What the evidence file records as expected: the measurement the policy requires, if one.
    String measurement =
        policy.sgx().mrEnclave().size() == 1 ? policy.sgx().mrEnclave().getFirst().hex() : "";
    EvidenceFile evidence =
        new EvidenceFile(
            new EvidenceFile.InputArgs(
                domain,
                expires.getEpochSecond(),
                offer.path("enclave_size_mb").asInt(),
                appId,
                config.javaApplication(),
                proxyHost,
                proxyPort,
                "operator"),
            fresh.certificatePem(),
            fresh.claimBytes(),
            fresh.quote(),
            fresh.collateral(),
            new String(config.toCanonicalJson(), StandardCharsets.UTF_8),
            measurement);
    EvidenceCheck.Result check =
        EvidenceCheck.check(
            evidence,
            pkg,
            policy,
            Optional.of(owner.publicKey()),
            Instant.now(),
            Optional.of(pccsOption.source(err)));
    if (!check.accepted()) {
      err.println("mse: the enclave of app " + appId + " does not verify:");
      check.reasons().forEach(r -> err.println("  - " + r));
      err.flush();
      api.stop(appId);
      throw new UserError(
          "nothing was sent to it, and the app was stopped (the code stays encrypted)");
    }
    TeeKind tee = check.appraisal().orElseThrow().quote().orElseThrow().tee();
    if (tee == TeeKind.SIMULATED) {
      err.println("mse: note: the enclave runs in the mse SIMULATED TEE: not confidential");
    }
    AttestationClaims claims = ProvisioningSealer.claims(fresh.certificate());

    progress.step("sending the code key and secrets, sealed to that enclave");
    Optional<byte[]> secrets = cloud.secrets().map(s -> UserFiles.read(s, "secrets file"));
    byte[] sealed =
        ProvisioningSealer.seal(
            claims,
            codeKey,
            secrets,
            Optional.empty(),
            ownerCertificate.map(OwnerCertificate::privateKeyPem),
            owner);
    ObjectNode body = Json.object();
    body.put("sealed_message", Base64.getEncoder().encodeToString(sealed));
    EnclaveClient pinned =
        new EnclaveClient(
            "the enclave of app " + appId,
            proxyHost,
            proxyPort,
            Optional.of(enclaveDomain),
            RaTlsSslContexts.client(
                RaTlsTrustManager.builder(policy)
                    .options(
                        RaTlsOptions.none()
                            .withAppId(appId)
                            .withConfigSha256(config.sha256())
                            .withCollateralSource(pccsOption.source(err)))
                    .pin(RaTlsCertificate.fingerprint(fresh.certificate()))
                    .serverName(domain)
                    .build()));
    EnclaveClient.Reply reply;
    try {
      reply = pinned.provision(Json.MAPPER.writeValueAsString(body));
    } catch (EnclaveClient.Unreachable e) {
      throw new UserError(e.getMessage(), e);
    }
    if (reply.status() != 202) {
      throw new UserError(
          "the enclave refused the provisioning (HTTP " + reply.status() + "): " + reply.reason());
    }
    progress.step("waiting for the app to run");
    app =
        AppStatusWait.until(
            api,
            appId,
            Set.of("running"),
            Duration.ofMinutes(timeout),
            Optional.of(new WaitProgress(err, "the app " + appId)));

    AppContext context =
        new AppContext(
            appId,
            toml.name(),
            domain,
            enclaveDomain,
            proxyHost,
            proxyPort,
            origin.wireName(),
            new String(config.toCanonicalJson(), StandardCharsets.UTF_8),
            pkg.packageSha256().hex(),
            pkg.manifest().codeSha256().hex(),
            measurement,
            expires,
            Optional.of(toml.directory().toString()),
            toml.testsCmd());
    context.save(codeKey.toByteArray());
    progress.done();
    String url = app.path("url").asString();
    if (json) {
      ObjectNode n = context.toJson();
      n.put("url", url);
      n.put("tee", tee.name());
      out.println(Json.write(n));
    } else {
      out.println("deployed " + toml.name() + " (app " + appId + ")");
      out.println("  url:      " + url);
      out.println("  expires:  " + expires);
      out.println("  trust:    " + describe(origin));
      out.println("  code:     sha256 " + pkg.manifest().codeSha256().hex());
      howToCall(out, origin, domain, url, proxyPort, pkg.manifest().healthcheckEndpoint());
    }
    out.flush();
    return 0;
  }

  static String describe(SslOrigin origin) {
    return switch (origin) {
      case SELF -> "zero trust: TLS ends in the enclave (RA-TLS certificate)";
      case OWNER -> "your certificate: TLS ends in the enclave, which alone holds your key";
      case OPERATOR -> "--untrusted-ssl: TLS ends at the operator's proxy";
    };
  }

  private static void howToCall(
      PrintWriter out, SslOrigin origin, String domain, String url, int port, String healthcheck) {
    String hostPort = port == 443 ? domain : domain + ":" + port;
    String path = healthcheck.startsWith("/") ? healthcheck.substring(1) : healthcheck;
    switch (origin) {
      case SELF -> {
        out.println("users verify the enclave, then call it with the verified certificate:");
        out.println("  mse cloud verify " + hostPort + " --fingerprint <code sha256 above>");
        out.println("  curl --cacert cert.pem " + url + path);
      }
      case OWNER ->
          out.println("call it with any client that trusts your CA:\n  curl " + url + path);
      case OPERATOR ->
          out.println(
              "call it with a client that trusts the operator's CA:\n  curl --cacert"
                  + " <operator CA> "
                  + url
                  + path);
    }
  }

  private Instant expires(MseToml.Cloud cloud, Optional<OwnerCertificate> owner) {
    Instant now = Instant.now();
    Instant expires =
        cloud
            .expirationDate()
            .map(d -> d.toInstant(ZoneOffset.UTC))
            .or(() -> owner.map(OwnerCertificate::notAfter))
            .orElse(now.plus(DEFAULT_LIFETIME));
    expires = expires.truncatedTo(ChronoUnit.SECONDS);
    if (!expires.isAfter(now)) {
      throw new UserError("expiration_date " + expires + " is in the past");
    }
    if (owner.isPresent() && expires.isAfter(owner.get().notAfter())) {
      throw new UserError(
          "expiration_date "
              + expires
              + " is after your certificate expires ("
              + owner.get().notAfter()
              + ")");
    }
    return expires;
  }

  private void replaceRunning(ApiClient api, String name, String project, PrintWriter out) {
    Map<String, String> filter = new LinkedHashMap<>();
    filter.put("name", name);
    filter.put("project", project);
    filter.put("status", "spawning,initializing,running");
    JsonNode running = api.apps(filter);
    if (running.isEmpty()) {
      return;
    }
    for (JsonNode a : running) {
      String id = a.path("id").asString();
      if (!yes && !confirm("an app named '" + name + "' runs (" + id + "): replace it?", out)) {
        throw new UserError("not deployed: '" + name + "' runs already (-y replaces it)");
      }
      api.stop(UUID.fromString(id));
      AppContext.remove(UUID.fromString(id));
    }
  }

  private static boolean confirm(String question, PrintWriter out) {
    out.print(question + " [y/N] ");
    out.flush();
    try {
      String line =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return line != null && line.strip().toLowerCase(Locale.ROOT).startsWith("y");
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      AppBuilder.deleteTree(dir);
    } catch (IOException e) {
      // Left for the system's temporary-file cleaning; the key there is mode 0600.
    }
  }

  private Path workspace() {
    try {
      if (workspace != null) {
        Files.createDirectories(workspace);
        return workspace.toAbsolutePath();
      }
      return Files.createTempDirectory("mse-deploy-");
    } catch (IOException e) {
      throw new UserError("cannot create the workspace: " + e.getMessage(), e);
    }
  }

  private static AppPackage readPackage(Path file) {
    try {
      return AppPackage.read(Files.readAllBytes(file));
    } catch (IOException | AppPackageException e) {
      throw new UserError("cannot read back the package " + file + ": " + e.getMessage(), e);
    }
  }

  private static String size(Path file) {
    try {
      long bytes = Files.size(file);
      return bytes < 1024 * 1024
          ? (bytes / 1024) + " KiB"
          : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    } catch (IOException e) {
      return "?";
    }
  }

  /** One line per step on stderr, with the time it took. */
  static final class Progress {
    private final PrintWriter err;
    private final Instant start = Instant.now();

    Progress(PrintWriter err) {
      this.err = err;
    }

    void step(String what) {
      err.println(
          String.format(
              Locale.ROOT,
              "mse: [%4.1f s] %s...",
              Duration.between(start, Instant.now()).toMillis() / 1000.0,
              what));
      err.flush();
    }

    void done() {
      err.println(
          "mse: done in "
              + String.format(
                  Locale.ROOT,
                  "%.1f s",
                  Duration.between(start, Instant.now()).toMillis() / 1000.0));
      err.flush();
    }
  }
}
