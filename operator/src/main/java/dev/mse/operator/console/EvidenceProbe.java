package dev.mse.operator.console;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsVerifier;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeTrust;
import dev.mse.operator.store.AppRecord;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Fetches the RA-TLS certificate an app's enclave port serves and appraises it as the operator's
 * status client does ({@link NodeTrust}: the operator's {@code node_policy}, collateral from its
 * {@code pccs_url} when the certificate's is missing or out of date; the app id, package and
 * deployment config the operator started it with), keeping the full appraisal for the app's page:
 * TEE, TCB status, advisories, measurements, code digest. The handshake itself accepts any
 * certificate because nothing is sent over it: the verdict is the appraisal's alone. A verdict is
 * reused for {@link #LIFETIME} so that page views do not cost a quote check each.
 */
final class EvidenceProbe {
  static final Duration LIFETIME = Duration.ofSeconds(30);
  private static final int TIMEOUT_MS = 5_000;
  private static final int MAX_CACHED = 10_000;

  /** A verdict and when the operator reached it. */
  record Verified(Instant at, RaTlsAppraisal appraisal) {}

  private final RaTlsVerifier verifier = RaTlsVerifier.standard();
  private final Map<UUID, Verified> cache = new ConcurrentHashMap<>();
  private final Clock clock;
  private final boolean simulation;
  private final NodeTrust trust;

  /**
   * @param tee the TEE of the operator's nodes: a simulated one is shown as such
   * @param trust how the operator holds its nodes' evidence, as its status client does
   */
  EvidenceProbe(Clock clock, String tee, NodeTrust trust) {
    this.clock = clock;
    this.simulation = tee.equals("simulation");
    this.trust = trust;
  }

  boolean simulation() {
    return simulation;
  }

  /** The enclave's appraisal, fresh or at most {@link #LIFETIME} old. */
  Verified verify(AppRecord app, NodeAddress node) throws IOException {
    Instant now = clock.instant();
    Verified cached = cache.get(app.id());
    if (cached != null && cached.at().plus(LIFETIME).isAfter(now)) {
      return cached;
    }
    X509Certificate served = served(node);
    RaTlsOptions options =
        RaTlsOptions.none()
            .withAppId(app.id())
            .withPackageSha256(ByteString.fromHex(app.packageSha256()))
            .withConfigSha256(ByteString.of(app.deploymentConfig()).sha256());
    if (trust.collateral().isPresent()) {
      options = options.withCollateralSource(trust.collateral().get());
    }
    RaTlsAppraisal appraisal = verifier.verify(served, trust.policy(), now, options);
    Verified v = new Verified(now, appraisal);
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(app.id(), v);
    return v;
  }

  private static X509Certificate served(NodeAddress node) throws IOException {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new Recorder()}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS", e);
    }
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket()) {
      s.connect(node.enclave(), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      s.startHandshake();
      Certificate[] chain = s.getSession().getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        throw new IOException("the enclave port served no X.509 certificate");
      }
      return leaf;
    }
  }

  /** Lets the handshake finish so its certificate can be appraised afterwards. */
  private static final class Recorder extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
