package dev.mse.cli.home;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.HostnameCheck;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.cli.UserError;
import dev.mse.cli.WaitProgress;
import dev.mse.cli.runtime.RuntimeDistribution;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.protocol.config.AppFields;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.PackageManifest;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Starts a new app on this machine: checks the request, writes the deployment config beside a copy
 * of the package in the output directory, records the app, starts its runtime, waits until it waits
 * for its owner, and collects its evidence.
 */
final class Spawner {
  /** How long a new runtime may take to serve its evidence. */
  static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private static final Path TMPFS = Path.of("/dev/shm");

  /** What {@code spawn} was asked. */
  record Request(
      String name,
      Path packageFile,
      String san,
      String host,
      int port,
      int enclavePort,
      int sizeMb,
      int days,
      Path output,
      String tee,
      X25519PublicKey owner,
      RuntimeDistribution runtime,
      long timeoutMinutes,
      Optional<String> ownerCertificateChain,
      boolean allowSimulation,
      Optional<Path> signerKey,
      Optional<String> subject,
      Optional<URI> pccs) {}

  private Spawner() {}

  static void check(Request r) {
    AppRegistry.checkName(r.name());
    if (AppRegistry.exists(r.name())) {
      throw new UserError(
          "an app named '"
              + r.name()
              + "' exists (see 'mse home status "
              + r.name()
              + "'; 'mse home stop "
              + r.name()
              + " --remove' removes it)");
    }
    if (!AppFields.isDomainName(r.san())) {
      throw new UserError("--san must be a DNS name, got '" + r.san() + "'");
    }
    if (r.sizeMb() < 1024 || Integer.bitCount(r.sizeMb()) != 1) {
      throw new UserError("--size must be a power of two of at least 1024 (MB), got " + r.sizeMb());
    }
    if (r.days() < 1) {
      throw new UserError("--days must be at least 1");
    }
    if (r.port() < 1 || r.port() > 65535) {
      throw new UserError("--port must be between 1 and 65535");
    }
    if (r.enclavePort() < 1 || r.enclavePort() > 65535) {
      throw new UserError("--enclave-port must be between 1 and 65535");
    }
    if (r.enclavePort() == r.port()) {
      throw new UserError(
          "--enclave-port must differ from --port: the app and the runtime each listen on one");
    }
    for (int port : new int[] {r.port(), r.enclavePort()}) {
      if (!LoopbackPorts.isFree(r.host(), port)) {
        throw new UserError(
            "port " + port + " on " + r.host() + " is busy (or cannot be bound by this user)");
      }
    }
    if (Files.exists(r.output().resolve("deployment.json"))) {
      throw new UserError(r.output() + " already holds a spawned app: use another --output");
    }
    if (r.tee().equals("gramine-sgx")) {
      RuntimeProcess.checkGramine(r.signerKey());
    } else if (r.signerKey().isPresent()) {
      throw new UserError("--signer-key signs a Gramine enclave: it goes with --tee gramine-sgx");
    }
  }

  static HomeApp spawn(Request r, AppPackage pkg, WaitProgress progress) {
    check(r);
    PackageManifest m = pkg.manifest();
    UUID appId = UUID.randomUUID();
    Instant expires = Instant.now().plus(Duration.ofDays(r.days())).truncatedTo(ChronoUnit.SECONDS);
    if (r.ownerCertificateChain().isPresent()) {
      X509Certificate leaf = ownerLeaf(r.ownerCertificateChain().get(), r.san());
      Instant notAfter = leaf.getNotAfter().toInstant();
      if (expires.isAfter(notAfter)) {
        throw new UserError(
            "--days "
                + r.days()
                + " runs past the certificate's expiry ("
                + notAfter
                + "): give fewer days");
      }
    }
    DeploymentConfig config =
        new DeploymentConfig(
            appId,
            m.name(),
            m.javaApplication(),
            m.mainJar(),
            m.healthcheckEndpoint(),
            r.ownerCertificateChain().isPresent() ? SslOrigin.OWNER : SslOrigin.SELF,
            r.san(),
            expires,
            r.owner().bytes(),
            pkg.packageSha256(),
            r.ownerCertificateChain(),
            m.tls(),
            r.subject());
    Path output = r.output().toAbsolutePath().normalize();
    HomeApp app =
        new HomeApp(
            r.name(),
            appId,
            output,
            pkg.packageSha256(),
            r.san(),
            r.host(),
            r.port(),
            r.enclavePort(),
            r.sizeMb(),
            expires,
            r.tee(),
            r.runtime().directory(),
            secretsDir(appId),
            r.timeoutMinutes(),
            Instant.now(),
            r.allowSimulation(),
            r.pccs());
    try {
      Files.createDirectories(output);
      if (r.tee().equals("gramine-sgx")) {
        // signed before the app's files are written: a failure leaves --output usable again
        RuntimeProcess.signForGramine(app, r.signerKey().orElseThrow());
      }
      Files.write(app.packageFile(), pkg.toBytes());
      Files.write(app.configFile(), config.toCanonicalJson());
    } catch (IOException e) {
      throw new UserError("cannot write into " + output + ": " + e.getMessage(), e);
    }
    AppRegistry.save(app);
    Process process = RuntimeProcess.start(app);
    LocalNode.awaitState(
        app, Optional.of(process), Set.of("waiting"), START_TIMEOUT, Optional.of(progress));
    LocalNode.collectEvidence(app, output);
    return app;
  }

  /** The chain's first certificate, which must name {@code san}. */
  private static X509Certificate ownerLeaf(String chainPem, String san) {
    List<X509Certificate> chain;
    try {
      chain = X509Codec.certificates(chainPem.getBytes(StandardCharsets.US_ASCII));
    } catch (CertificateException e) {
      throw new UserError("--certificate is not a PEM certificate chain: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new UserError("--certificate holds no certificate");
    }
    if (!HostnameCheck.matches(chain.getFirst(), san)) {
      throw new UserError("--certificate is not for --san " + san);
    }
    return chain.getFirst();
  }

  /** The runtime writes the app's secrets files here: memory, not disk. */
  private static Path secretsDir(UUID appId) {
    Path base = Files.isDirectory(TMPFS) ? TMPFS : Path.of(System.getProperty("java.io.tmpdir"));
    return base.resolve("mse-" + appId);
  }
}
