package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.enclave.app.AppLauncher;
import dev.mse.enclave.front.AppProxy;
import dev.mse.enclave.front.ServerIdentity;
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
import java.net.ServerSocket;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mse runtime: one app in one TEE. It starts in {@code waiting}, serving its evidence on the
 * enclave port with its RA-TLS certificate; accepts exactly one provisioning message from the owner
 * named in its deployment config; then decrypts the code, seals its state, hands the app its TLS
 * identity and starts it; the app serves its own TLS on the app port (or, with {@code tls =
 * "runtime"}, the runtime's reverse proxy does). Running once the app answers its healthcheck over
 * TLS pinned to that identity. After a restart it unseals that state and starts without the owner.
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
  private final ServerIdentity attested;
  // The owner's identity, in owner mode once provisioned: the app serves it.
  private volatile Optional<ServerIdentity> ownerIdentity = Optional.empty();
  private final Optional<StateSealer> sealer;
  private final RuntimeStatus status;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("runtime-timer").factory());
  private final TlsFront front;
  private final X509Certificate certificate;
  // What a started app holds, released by close().
  private volatile Optional<AppLauncher.RunningApp> app = Optional.empty();
  private volatile Optional<AppTlsSettings> appTls = Optional.empty();
  private volatile Optional<TlsFront> appFront = Optional.empty();
  private volatile Thread.UncaughtExceptionHandler previousHandler;

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
      Optional<X509Certificate> sealedCertificate,
      Callable<TlsFront.Unstarted> front)
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
                config.tls(),
                config.domain(),
                config.expires(),
                ByteString.of(hpkeKey.publicKey().toByteArray()),
                options.runtimeVersion(),
                config.certificateSubject()),
            options.pccs(),
            options.stateDir().resolve("collateral-cache"));
    // One RA-TLS certificate for the enclave's whole life, restarts included: clients that
    // verified and pinned it (curl --cacert ratls.pem) keep working. Its claims describe the
    // enclave as first attested (state waiting); the live state is in fresh evidence.
    this.certificate =
        sealedCertificate.isPresent() ? sealedCertificate.get() : evidence.certificate(tlsKey);
    this.attested = new ServerIdentity(tlsKey.getPrivate(), List.of(certificate));
    if (config.tls() == AppTls.RUNTIME && !loopbackInTee()) {
      // Failed before the enclave port serves: no provisioning is ever accepted, no app starts.
      fail(
          "tls = \"runtime\" is refused under "
              + tee.name()
              + ": the runtime would reach the app over loopback, which the untrusted host carries;"
              + " the app must serve its own TLS");
    }
    this.front = front.call().start(attested, new RuntimeHandler(this));
  }

  /**
   * Starts a runtime: from its sealed state when there is one (a restart), else waiting for the
   * owner.
   */
  public static EnclaveRuntime start(
      RuntimeOptions options, TeeBackend tee, DeploymentConfig config, AppPackage appPackage)
      throws Exception {
    return start(
        options,
        tee,
        config,
        appPackage,
        EnclaveRuntime::newTlsKey,
        () -> TlsFront.prepare(options.host(), options.port()));
  }

  /**
   * As {@link #start(RuntimeOptions, TeeBackend, DeploymentConfig, AppPackage)}, with the TLS key
   * pair of a first start from {@code freshTlsKey} and the enclave port's server from {@code front}
   * (which the runtime's main makes on another thread meanwhile); a restart from sealed state never
   * asks for the key.
   */
  public static EnclaveRuntime start(
      RuntimeOptions options,
      TeeBackend tee,
      DeploymentConfig config,
      AppPackage appPackage,
      Callable<KeyPair> freshTlsKey,
      Callable<TlsFront.Unstarted> front)
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
              Optional.of(X509Codec.certificate(s.certificateDer().toByteArray())),
              front);
      LOG.info("{}restarting from sealed state", runtime.simulatedPrefix());
      Provisioned restored =
          new Provisioned(
              PackageKey.of(s.codeKey().toByteArray()),
              s.ownerTlsPrivateKeyPem(),
              s.ownerSecrets(),
              s.operatorSecrets());
      if (runtime.status().state() != State.FAILED) {
        Thread.ofPlatform().name("initialize").start(() -> runtime.initialize(restored, false));
      }
    } else {
      KeyPair tls = freshTlsKey.call();
      X25519KeyPair hpke = X25519KeyPair.generate();
      ProvisioningGate gate = ProvisioningGate.open(hpke, owner, config.appId(), config.sha256());
      runtime =
          new EnclaveRuntime(
              options, tee, config, appPackage, tls, hpke, gate, sealer, Optional.empty(), front);
      runtime.timers.schedule(
          runtime::provisioningTimedOut,
          options.provisioningTimeout().toMillis(),
          TimeUnit.MILLISECONDS);
    }
    LOG.info(
        "{}{} {} for app {} ({}) on enclave port {}, app port {}, package {}, config {}",
        runtime.simulatedPrefix(),
        runtime.status().state().wireName(),
        tee.name(),
        config.appName(),
        config.appId(),
        runtime.front.port(),
        options.appPort(),
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

  /** The enclave's RA-TLS identity, served on the enclave port for its whole life. */
  ServerIdentity attested() {
    return attested;
  }

  /**
   * The certificate of the key whose SHA-256 SubjectPublicKeyInfo digest is {@code spki}: the
   * RA-TLS one (also when absent), or the owner's once provisioned; empty for any other key.
   */
  Optional<X509Certificate> certificateFor(Optional<ByteString> spki) {
    X509Certificate enclave = attested.chain().getFirst();
    if (spki.isEmpty() || spki.get().equals(spkiOf(enclave))) {
      return Optional.of(enclave);
    }
    return ownerIdentity.map(o -> o.chain().getFirst()).filter(c -> spki.get().equals(spkiOf(c)));
  }

  private static ByteString spkiOf(X509Certificate certificate) {
    return ByteString.of(certificate.getPublicKey().getEncoded()).sha256();
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
      ownerIdentity = servedOwnerIdentity(message);
      ServerIdentity served = ownerIdentity.orElse(attested);
      Path appDir = options.secretsDir().resolve("app");
      SecretsFiles.deleteTree(appDir);
      AppLauncher.extract(archive.files(), appDir);
      AppLauncher.Launch launch =
          AppLauncher.plan(appDir, config.mainJar(), Optional.of(config.javaApplication()));
      appTls = Optional.of(appTlsSettings(served));
      watchUncaughtErrors();
      AppLauncher.RunningApp started = AppLauncher.start(launch);
      app = Optional.of(started);
      started
          .exit()
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  fail("the app's main method failed: " + error + memorySummary(error));
                }
              });
      String host =
          options.host().equals("0.0.0.0") || options.host().equals("::")
              ? "127.0.0.1"
              : options.host();
      HealthWatch.Outcome health =
          HealthWatch.await(
              new HealthWatch.Target(
                  host,
                  options.appPort(),
                  config.domain(),
                  served.chain().getFirst(),
                  config.healthcheckEndpoint()),
              options.healthTimeout(),
              () -> status.get().state() == State.FAILED);
      switch (health) {
        case HealthWatch.Outcome.Healthy h -> {}
        case HealthWatch.Outcome.Broken b -> {
          fail(b.why());
          return;
        }
        case HealthWatch.Outcome.TimedOut t -> {
          fail(
              "the app did not answer GET "
                  + config.healthcheckEndpoint()
                  + " on its port "
                  + options.appPort()
                  + " with a 2xx within "
                  + options.healthTimeout().toSeconds()
                  + " s ("
                  + t.last()
                  + ")");
          return;
        }
      }
      if (!status.running(codeSha256)) {
        return; // the app failed meanwhile, and fail() said why
      }
      LOG.info("{}running: code {}", simulatedPrefix(), codeSha256);
    } catch (Exception e) {
      fail(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /**
   * Whether loopback stays inside the TEE: not under SGX, where the host's kernel carries it, so
   * that plaintext on a loopback socket would leave the enclave.
   */
  private boolean loopbackInTee() {
    return !tee.name().equals("gramine-sgx");
  }

  /**
   * The app's TLS identity and port. With {@code tls = "runtime"}, the runtime's reverse proxy
   * takes the app port with {@code served} and the app gets a free loopback port for plain HTTP.
   */
  private AppTlsSettings appTlsSettings(ServerIdentity served) throws Exception {
    if (config.tls() == AppTls.APP) {
      return AppTlsSettings.app(options.secretsDir(), options.host(), options.appPort(), served);
    }
    int loopback;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      loopback = free.getLocalPort();
    }
    appFront =
        Optional.of(
            TlsFront.start(options.host(), options.appPort(), served, new AppProxy(loopback)));
    return AppTlsSettings.runtime(loopback);
  }

  /**
   * An {@link OutOfMemoryError} in any thread while the app starts fails it at once, with the
   * reason, rather than leaving it initializing until the health check gives up.
   */
  private void watchUncaughtErrors() {
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.UncaughtExceptionHandler previous = previousHandler;
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          if (error instanceof OutOfMemoryError && status.get().state() == State.INITIALIZING) {
            fail(
                "the app ran out of memory while starting (thread "
                    + thread.getName()
                    + "): "
                    + error
                    + memorySummary(error));
          }
          if (previous != null) {
            previous.uncaughtException(thread, error);
          } else {
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            error.printStackTrace();
          }
        });
  }

  private static String memorySummary(Throwable error) {
    if (!(error instanceof OutOfMemoryError)) {
      return "";
    }
    AppMemory m = AppMemory.ofThisJvm();
    return " (the JVM's heap is at most "
        + (m.heapMaxBytes() >> 20)
        + " MiB, direct memory "
        + (m.directMaxBytes() >> 20)
        + " MiB: a larger offer, or a smaller app)";
  }

  /**
   * In owner mode, the owner's certificate with the provisioned key; else the RA-TLS one serves.
   */
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

  /**
   * Stops the ports gracefully and removes the app's files and TLS key; the app's own threads end
   * with the process.
   */
  @Override
  public void close() throws Exception {
    timers.shutdownNow();
    evidence.close();
    if (appFront.isPresent()) {
      appFront.get().close();
    }
    front.close();
    if (appTls.isPresent()) {
      appTls.get().close();
    }
    if (app.isPresent()) {
      if (app.get().loader() instanceof URLClassLoader own) {
        own.close(); // the app's own loader (the runtime in a test's JVM), not the system one
      }
      Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }
    SecretsFiles.deleteTree(options.secretsDir().resolve("app"));
  }
}
