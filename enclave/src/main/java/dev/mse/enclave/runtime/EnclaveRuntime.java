package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.enclave.app.AppLauncher;
import dev.mse.enclave.app.AppLoadException;
import dev.mse.enclave.app.JarImage;
import dev.mse.enclave.appnet.AppPorts;
import dev.mse.enclave.front.AppRoute;
import dev.mse.enclave.front.FrontMetrics;
import dev.mse.enclave.front.ServerIdentity;
import dev.mse.enclave.front.SwitchableKeyManager;
import dev.mse.enclave.front.TlsFront;
import dev.mse.enclave.tee.TeeBackend;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.ArchiveContents;
import dev.mse.protocol.pkg.ArchiveLimits;
import dev.mse.protocol.pkg.CodeArchiveException;
import dev.mse.protocol.pkg.CodeArchiveReader;
import dev.mse.protocol.pkg.PackageIntegrityException;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.provisioning.ProvisioningException;
import dev.mse.protocol.provisioning.ProvisioningGate;
import dev.mse.protocol.provisioning.ProvisioningMessage;
import dev.mse.protocol.provisioning.SecretSeal;
import dev.mse.protocol.provisioning.X25519KeyPair;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mse runtime: one app in one TEE. It starts in {@code waiting}, serving RA-TLS and its
 * evidence; accepts exactly one provisioning message from the owner named in its deployment config;
 * then decrypts the code in memory, seals its state, starts the app and serves it once the app
 * answers its healthcheck. After a restart it unseals that state and serves without the owner.
 * Inputs from the node (config, package) are untrusted: they are only hashed into the claims, which
 * the owner checks before provisioning.
 */
public final class EnclaveRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EnclaveRuntime.class);

  private final RuntimeOptions options;
  private final TeeBackend tee;
  private final DeploymentConfig config;
  private final AppPackage appPackage;
  private final KeyPair tlsKey;
  private final X25519KeyPair hpkeKey;
  private final ProvisioningGate gate;
  private final EvidenceMaker evidence;
  private final SwitchableKeyManager identity;
  private final Optional<StateSealer> sealer;
  private final RuntimeStatus status;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("runtime-timer").factory());
  private final TlsFront front;
  private final X509Certificate certificate;
  private volatile AppLauncher.RunningApp app;

  /** The runtime's state and, when failed, why. */
  public record Status(State state, Optional<String> failure, Optional<ByteString> codeSha256) {}

  private EnclaveRuntime(
      RuntimeOptions options,
      TeeBackend tee,
      DeploymentConfig config,
      AppPackage appPackage,
      KeyPair tlsKey,
      X25519KeyPair hpkeKey,
      ProvisioningGate gate,
      Optional<StateSealer> sealer,
      Optional<X509Certificate> sealedCertificate)
      throws Exception {
    this.options = options;
    // A restart from sealed state initializes straight away; a first start waits for the owner.
    this.status =
        new RuntimeStatus(sealedCertificate.isPresent() ? State.INITIALIZING : State.WAITING);
    this.tee = tee;
    this.config = config;
    this.appPackage = appPackage;
    this.tlsKey = tlsKey;
    this.hpkeKey = hpkeKey;
    this.gate = gate;
    this.sealer = sealer;
    this.evidence =
        new EvidenceMaker(
            tee,
            new EvidenceMaker.Identity(
                config.appId(),
                appPackage.packageSha256(),
                config.sha256(),
                config.sslOrigin(),
                config.domain(),
                config.expires(),
                ByteString.of(hpkeKey.publicKey().toByteArray()),
                options.runtimeVersion()));
    // One RA-TLS certificate for the enclave's whole life, restarts included: clients that
    // verified and pinned it (curl --cacert ratls.pem) keep working. Its claims describe the
    // enclave as first attested (state waiting); the live state is in fresh evidence.
    this.certificate =
        sealedCertificate.isPresent() ? sealedCertificate.get() : evidence.certificate(tlsKey);
    this.identity =
        new SwitchableKeyManager(new ServerIdentity(tlsKey.getPrivate(), List.of(certificate)));
    FrontMetrics metrics = new FrontMetrics();
    // HTTP/1.1 app traffic is relayed as bytes once the app runs; the rest goes to the handler.
    // -Dmse.front.relay=false proxies everything instead (equally safe, slower): for comparisons.
    Optional<AppRoute> app =
        Boolean.parseBoolean(System.getProperty("mse.front.relay", "true"))
            ? Optional.of(
                new AppRoute(
                    options.appPort(),
                    () -> status().state() == State.RUNNING && appReachable(),
                    loopbackInTee()))
            : Optional.empty();
    this.front =
        TlsFront.start(
            options.host(),
            options.port(),
            identity,
            new RuntimeHandler(this, options.appPort(), metrics),
            app,
            metrics);
  }

  /**
   * Starts a runtime: from its sealed state when there is one (a restart), else waiting for the
   * owner.
   */
  public static EnclaveRuntime start(
      RuntimeOptions options, TeeBackend tee, DeploymentConfig config, AppPackage appPackage)
      throws Exception {
    return start(options, tee, config, appPackage, EnclaveRuntime::newTlsKey);
  }

  /**
   * As {@link #start(RuntimeOptions, TeeBackend, DeploymentConfig, AppPackage)}, with the TLS key
   * pair of a first start from {@code freshTlsKey} (which the runtime's main makes on another
   * thread meanwhile); a restart from sealed state never asks for it.
   */
  public static EnclaveRuntime start(
      RuntimeOptions options,
      TeeBackend tee,
      DeploymentConfig config,
      AppPackage appPackage,
      Callable<KeyPair> freshTlsKey)
      throws Exception {
    Optional<StateSealer> sealer =
        tee.sealingKey()
            .map(
                k ->
                    new StateSealer(
                        k, options.stateDir().resolve("state.sealed"), config.sha256()));
    Optional<SealedState> sealed = sealer.isPresent() ? sealer.get().unseal() : Optional.empty();
    X25519PublicKey owner = X25519PublicKey.of(config.ownerPublicKey().toByteArray());
    EnclaveRuntime runtime;
    if (sealed.isPresent()) {
      SealedState s = sealed.get();
      KeyPair tls = tlsKeyPair(s.tlsPrivateKeyPkcs8());
      X25519KeyPair hpke = X25519KeyPair.fromPrivateKey(s.hpkePrivateKey().toByteArray());
      ProvisioningGate gate =
          ProvisioningGate.alreadyProvisioned(
              hpke, owner, config.appId(), config.sha256(), s.acceptedMessageSha256());
      runtime =
          new EnclaveRuntime(
              options,
              tee,
              config,
              appPackage,
              tls,
              hpke,
              gate,
              sealer,
              Optional.of(X509Codec.certificate(s.certificateDer().toByteArray())));
      LOG.info("{}restarting from sealed state", runtime.simulatedPrefix());
      Provisioned restored =
          new Provisioned(
              PackageKey.of(s.codeKey().toByteArray()),
              s.ownerTlsPrivateKeyPem(),
              s.ownerSecrets(),
              s.operatorSecrets());
      Thread.ofPlatform().name("initialize").start(() -> runtime.initialize(restored, false));
    } else {
      KeyPair tls = freshTlsKey.call();
      X25519KeyPair hpke = X25519KeyPair.generate();
      ProvisioningGate gate = ProvisioningGate.open(hpke, owner, config.appId(), config.sha256());
      runtime =
          new EnclaveRuntime(
              options, tee, config, appPackage, tls, hpke, gate, sealer, Optional.empty());
      runtime.timers.schedule(
          runtime::provisioningTimedOut,
          options.provisioningTimeout().toMillis(),
          TimeUnit.MILLISECONDS);
    }
    LOG.info(
        "{}{} {} for app {} ({}) on port {}, package {}, config {}",
        runtime.simulatedPrefix(),
        runtime.status().state().wireName(),
        tee.name(),
        config.appName(),
        config.appId(),
        runtime.front.port(),
        appPackage.packageSha256(),
        config.sha256());
    return runtime;
  }

  public Status status() {
    return status.get();
  }

  public int port() {
    return front.port();
  }

  public TeeBackend tee() {
    return tee;
  }

  public DeploymentConfig config() {
    return config;
  }

  EvidenceMaker evidence() {
    return evidence;
  }

  SwitchableKeyManager identity() {
    return identity;
  }

  private String simulatedPrefix() {
    return tee.simulated() ? "SIMULATED TEE: " : "";
  }

  /**
   * Takes the owner's sealed provisioning message. Checks sender, app and config before anything is
   * written; on success, initialization continues in the background.
   *
   * @throws ProvisioningException when the message is not authentic or the runtime is not waiting
   */
  synchronized void provision(byte[] sealed, Optional<ByteString> operatorSecrets)
      throws ProvisioningException {
    if (status.get().state() != State.WAITING) {
      throw new ProvisioningException(
          ProvisioningException.Reason.ALREADY_PROVISIONED,
          "this enclave is " + status.get().state().wireName() + ", not waiting");
    }
    X25519PublicKey owner = X25519PublicKey.of(config.ownerPublicKey().toByteArray());
    ProvisioningMessage message = gate.accept(sealed);
    Optional<ByteString> ownerSecrets = message.secretsJson();
    if (message.sealedSecrets().isPresent()) {
      ownerSecrets =
          Optional.of(
              SecretSeal.open(
                  message.sealedSecrets().get().toByteArray(), hpkeKey, owner, config.appId()));
    }
    Provisioned provisioned =
        new Provisioned(
            message.codeKey(), message.ownerTlsPrivateKeyPem(), ownerSecrets, operatorSecrets);
    if (!status.provisioned()) {
      // The provisioning deadline passed while the message was being opened.
      throw new ProvisioningException(
          ProvisioningException.Reason.ALREADY_PROVISIONED,
          "this enclave is " + status.get().state().wireName() + ", not waiting");
    }
    LOG.info("{}provisioned by the owner; initializing", simulatedPrefix());
    Thread.ofPlatform().name("initialize").start(() -> initialize(provisioned, true));
  }

  private void initialize(Provisioned message, boolean seal) {
    try {
      byte[] archiveBytes;
      try {
        archiveBytes = appPackage.decryptCode(message.codeKey());
      } catch (PackageIntegrityException e) {
        fail(
            "the code key does not open the package, or the package was altered: "
                + e.getMessage());
        return;
      }
      ByteString codeSha256 = ByteString.of(archiveBytes).sha256();
      ArchiveContents archive;
      try {
        archive = CodeArchiveReader.read(archiveBytes, ArchiveLimits.DEFAULT);
      } catch (CodeArchiveException e) {
        fail("the code archive cannot be read: " + e.getMessage());
        return;
      }
      SecretsFiles.write(options, message);
      if (seal && sealer.isPresent()) {
        sealer
            .get()
            .seal(
                new SealedState(
                    ByteString.of(tlsKey.getPrivate().getEncoded()),
                    ByteString.of(certificate.getEncoded()),
                    ByteString.of(hpkeKey.privateKey()),
                    ByteString.of(message.codeKey().toByteArray()),
                    message.ownerTlsPrivateKeyPem(),
                    message.operatorSecrets(),
                    message.ownerSecrets(),
                    gate.acceptedDigest().orElseThrow()));
      }
      Map<String, byte[]> files = new LinkedHashMap<>();
      archive.files().forEach((path, bytes) -> files.put(path, bytes.toByteArray()));
      List<JarImage> classPath = AppLauncher.classPath(files, config.mainJar());
      // The first NIO server channel the app binds to its port gets the front's connections in
      // memory (dev.mse.enclave.appnet); without the provider, or outside NIO, they go over
      // loopback.
      AppPorts.expect(options.appPort());
      app = AppLauncher.start(classPath, Optional.of(config.javaApplication()), options.appPort());
      app.exit()
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  fail("the app's main method failed: " + error);
                }
              });
      if (!HealthWatch.await(
          options.appPort(),
          config.healthcheckEndpoint(),
          options.healthTimeout(),
          () -> status.get().state() == State.FAILED)) {
        fail(
            "the app did not answer "
                + config.healthcheckEndpoint()
                + " within "
                + options.healthTimeout().toSeconds()
                + " s");
        return;
      }
      if (!appReachable()) {
        return;
      }
      servedOwnerIdentity(message)
          .ifPresent(owner -> identity.serveOwner(owner, List.of(config.domain())));
      if (!status.running(codeSha256)) {
        return; // the app failed meanwhile, and fail() said why
      }
      LOG.info("{}running: code {}", simulatedPrefix(), codeSha256);
      if (AppPorts.taken(options.appPort())) {
        LOG.info("{}the app's port is in memory: client bytes stay in the JVM", simulatedPrefix());
      } else {
        LOG.warn(
            "{}the app listens outside NIO (or without the app network): the front relays to it"
                + " over loopback",
            simulatedPrefix());
      }
    } catch (AppLoadException | IOException | GeneralSecurityException | RuntimeException e) {
      fail(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /**
   * Whether loopback stays inside the TEE: not under SGX, where the host's kernel carries it, so
   * that decrypted requests on a loopback socket would leave the enclave.
   */
  private boolean loopbackInTee() {
    return !tee.name().equals("gramine-sgx");
  }

  /**
   * Whether the front can reach the app without decrypted bytes leaving the TEE: its port is in
   * memory, or loopback stays in the TEE. When not, the app fails (closed, with the reason) rather
   * than being served through the host.
   */
  boolean appReachable() {
    if (AppPorts.taken(options.appPort()) || loopbackInTee()) {
      return true;
    }
    fail(
        "the app does not listen on its port "
            + options.appPort()
            + " in memory (it binds outside NIO, closed its port, or the runtime runs without the"
            + " app network): the front would reach it over loopback, through the untrusted host,"
            + " which gramine-sgx refuses");
    return false;
  }

  /** In owner mode, the owner's certificate with the provisioned key; else the RA-TLS one stays. */
  private Optional<ServerIdentity> servedOwnerIdentity(Provisioned message)
      throws GeneralSecurityException {
    if (config.ownerCertificateChain().isPresent() && message.ownerTlsPrivateKeyPem().isPresent()) {
      return Optional.of(
          OwnerIdentity.of(
              config.ownerCertificateChain().get(), message.ownerTlsPrivateKeyPem().get()));
    }
    return Optional.empty();
  }

  private void fail(String why) {
    if (status.fail(why)) {
      LOG.error("{}failed: {}", simulatedPrefix(), why);
    }
  }

  private void provisioningTimedOut() {
    String why = "no provisioning within " + options.provisioningTimeout().toMinutes() + " minutes";
    if (status.expire(why)) {
      LOG.error("{}failed: {}", simulatedPrefix(), why);
    }
  }

  /** A fresh P-256 key pair for the runtime's TLS certificate. */
  static KeyPair newTlsKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static KeyPair tlsKeyPair(ByteString pkcs8) throws GeneralSecurityException {
    PrivateKey key =
        KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8.toByteArray()));
    return new KeyPair(EcKeys.publicOf((ECPrivateKey) key), key);
  }

  /** Stops the front gracefully; the app's threads end with the process. */
  @Override
  public void close() throws Exception {
    timers.shutdownNow();
    front.close();
  }
}
