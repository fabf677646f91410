package dev.mse.operator.proxy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the certificate a node's app port serves for a {@link Route.Mode#TERMINATE} route only
 * when fresh evidence from the node's enclave port names its key ({@code pubkey-hash} = SHA-256 of
 * the served SPKI) for the route's app id and deployment config digest, under the policy. The
 * enclave port itself is reached over RA-TLS for the same app and name.
 *
 * <p>A positive answer is remembered per (route, served certificate) for {@code evidenceLifetime}:
 * the app's key lives as long as its enclave, so asking again on every connection would only cost a
 * quote each time. Contexts are kept per route, and TLS sessions to the app port resume for no
 * longer than that lifetime, so a resumed session never outlives the evidence it was trusted on; a
 * route whose config digest or node changes is a different key.
 */
public final class RaTlsUpstreamTrust implements UpstreamTrust {
  /** How long a positive answer of an enclave is reused by default. */
  public static final Duration DEFAULT_EVIDENCE_LIFETIME = Duration.ofSeconds(60);

  /** How long the proxy waits for an enclave port's evidence. */
  static final Duration EVIDENCE_TIMEOUT = Duration.ofSeconds(10);

  private static final int MAX_CACHED = 10_000;

  private final AppraisalPolicy policy;
  private final Function<Route, String> serverName;
  private final Clock clock;
  private final Duration evidenceLifetime;
  private final EnclaveEvidence evidence;
  private final Optional<CollateralSource> collateral;
  private final Map<Route, Upstream> contexts = new ConcurrentHashMap<>();
  private final Map<Trusted, Instant> trusted = new ConcurrentHashMap<>();
  private final Map<Trusted, CompletableFuture<Void>> asked = new ConcurrentHashMap<>();

  /** A route's contexts: for its app port, and for its enclave port (RA-TLS to the same app). */
  private record Upstream(SSLContext appPort, SSLContext enclavePort) {}

  /** A certificate an app port served for a route, by its SHA-256. */
  private record Trusted(Route route, ByteString certificateSha256) {}

  /**
   * @param serverName the name the enclave port's RA-TLS certificate must carry for a route (the
   *     app's domain)
   */
  public RaTlsUpstreamTrust(AppraisalPolicy policy, Function<Route, String> serverName) {
    this(policy, serverName, Clock.systemUTC(), DEFAULT_EVIDENCE_LIFETIME);
  }

  /**
   * @param evidenceLifetime how long a positive answer of an enclave is reused (at least a second)
   */
  public RaTlsUpstreamTrust(
      AppraisalPolicy policy,
      Function<Route, String> serverName,
      Clock clock,
      Duration evidenceLifetime) {
    this(policy, serverName, clock, evidenceLifetime, Optional.empty());
  }

  /**
   * @param collateral where collateral is fetched when an enclave's own (in its certificate or
   *     evidence) is missing or not valid now: the operator's {@code pccs_url} through the shared
   *     cache; empty: the enclave's only
   */
  public RaTlsUpstreamTrust(
      AppraisalPolicy policy,
      Function<Route, String> serverName,
      Clock clock,
      Duration evidenceLifetime,
      Optional<CollateralSource> collateral) {
    if (evidenceLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the evidence lifetime is at least one second");
    }
    this.policy = policy;
    this.serverName = serverName;
    this.clock = clock;
    this.evidenceLifetime = evidenceLifetime;
    this.collateral = collateral;
    this.evidence = new EnclaveEvidence(policy, clock, EVIDENCE_TIMEOUT, collateral);
  }

  @Override
  public SSLContext contextFor(Route route) {
    return upstream(route).appPort();
  }

  private Upstream upstream(Route route) {
    Upstream cached = contexts.get(route);
    if (cached != null) {
      return cached;
    }
    if (contexts.size() >= MAX_CACHED) {
      contexts.clear(); // routes come and go with deployments; a rare rebuild is cheap
    }
    return contexts.computeIfAbsent(route, this::newUpstream);
  }

  private Upstream newUpstream(Route route) {
    RaTlsOptions expected =
        RaTlsOptions.none().withAppId(route.appId()).withConfigSha256(route.configSha256());
    if (collateral.isPresent()) {
      expected = expected.withCollateralSource(collateral.get());
    }
    SSLContext enclavePort =
        RaTlsSslContexts.client(
            RaTlsTrustManager.builder(policy)
                .options(expected)
                .serverName(serverName.apply(route))
                .clock(clock)
                .build());
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null, new TrustManager[] {new AppPortTrust(route, enclavePort)}, new SecureRandom());
      context
          .getClientSessionContext()
          .setSessionTimeout((int) Math.min(Integer.MAX_VALUE, evidenceLifetime.toSeconds()));
      return new Upstream(context, enclavePort);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS", e);
    }
  }

  /**
   * A resumed session skipped the trust manager: its certificate must still have a verdict within
   * the lifetime, else the enclave is asked again.
   */
  @Override
  public void confirm(Route route, SSLSession session) throws SSLException {
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new SSLException("the app port's certificate is unknown", e);
    }
    X509Certificate[] chain = new X509Certificate[peer.length];
    for (int i = 0; i < peer.length; i++) {
      if (!(peer[i] instanceof X509Certificate x)) {
        throw new SSLException("the app port's certificate is not X.509");
      }
      chain[i] = x;
    }
    try {
      check(route, upstream(route).enclavePort(), chain);
    } catch (CertificateException e) {
      throw new SSLException(e.getMessage(), e);
    }
  }

  /** Whether the enclave vouched for {@code served} within the lifetime; asks it when not. */
  private void check(Route route, SSLContext enclavePort, X509Certificate[] chain)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw refused("the app port presented no certificate");
    }
    X509Certificate served = chain[0];
    Trusted key = new Trusted(route, RaTlsCertificate.fingerprint(served));
    Instant now = clock.instant();
    Instant until = trusted.get(key);
    if (until != null && now.isBefore(until)) {
      return;
    }
    // Connections that arrive together for a certificate without a verdict share one question to
    // the enclave: a burst after the verdict expires costs the enclave one quote, not one each.
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> asking = asked.putIfAbsent(key, mine);
    if (asking != null) {
      awaitVerdict(asking);
      return;
    }
    try {
      // the connection that asked before this one may have finished between the two lookups
      Instant justNow = trusted.get(key);
      if (justNow != null && now.isBefore(justNow)) {
        mine.complete(null);
        return;
      }
      evidence.check(route, enclavePort, served);
      if (trusted.size() >= MAX_CACHED) {
        trusted.clear();
      }
      trusted.put(key, now.plus(evidenceLifetime));
      mine.complete(null);
    } catch (CertificateException | RuntimeException e) {
      trusted.remove(key);
      mine.completeExceptionally(e);
      throw refused(e.getMessage());
    } finally {
      asked.remove(key, mine);
    }
  }

  /** Waits for the verdict another connection is getting; its refusal is this one's too. */
  private static void awaitVerdict(CompletableFuture<Void> verdict) throws CertificateException {
    try {
      verdict.get(2 * EVIDENCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw refused(e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw refused("the enclave did not answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw refused("interrupted while the enclave was asked");
    }
  }

  private static CertificateException refused(String why) {
    return new CertificateException("the app's certificate is not trusted: " + why);
  }

  /** The app port's trust: the served certificate must be vouched for by the enclave port. */
  private final class AppPortTrust extends X509ExtendedTrustManager {
    private final Route route;
    private final SSLContext enclavePort;

    AppPortTrust(Route route, SSLContext enclavePort) {
      this.route = route;
      this.enclavePort = enclavePort;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(route, enclavePort, chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(route, enclavePort, chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(route, enclavePort, chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("the proxy is a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("the proxy is a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the proxy is a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
