package dev.mse.operator.proxy;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Trusts a node for a route only if it presents an RA-TLS certificate that the policy accepts, that
 * carries the route's app id and deployment config digest, and that names the app's server name.
 *
 * <p>Contexts are kept per route so TLS sessions to a node resume instead of re-verifying a quote
 * on every connection; a route whose config digest changes is a different key, so a resumed session
 * never outlives the expectations it was verified under. Sessions expire after {@link
 * #SESSION_LIFETIME_SECONDS}, after which the evidence is verified again against the clock.
 */
public final class RaTlsUpstreamTrust implements UpstreamTrust {
  /** How long a verified node's TLS session may be resumed without a new verification. */
  public static final int SESSION_LIFETIME_SECONDS = 300;

  private static final int MAX_CACHED = 10_000;

  private final AppraisalPolicy policy;
  private final Function<Route, String> serverName;
  private final Clock clock;
  private final Map<Route, SSLContext> contexts = new ConcurrentHashMap<>();

  /**
   * @param serverName the name the node's certificate must carry for a route (the app's domain)
   */
  public RaTlsUpstreamTrust(AppraisalPolicy policy, Function<Route, String> serverName) {
    this(policy, serverName, Clock.systemUTC());
  }

  public RaTlsUpstreamTrust(
      AppraisalPolicy policy, Function<Route, String> serverName, Clock clock) {
    this.policy = policy;
    this.serverName = serverName;
    this.clock = clock;
  }

  @Override
  public SSLContext contextFor(Route route) {
    SSLContext cached = contexts.get(route);
    if (cached != null) {
      return cached;
    }
    if (contexts.size() >= MAX_CACHED) {
      contexts.clear(); // routes come and go with deployments; a rare rebuild is cheap
    }
    return contexts.computeIfAbsent(route, this::newContext);
  }

  private SSLContext newContext(Route route) {
    RaTlsTrustManager trust =
        RaTlsTrustManager.builder(policy)
            .options(
                RaTlsOptions.none().withAppId(route.appId()).withConfigSha256(route.configSha256()))
            .serverName(serverName.apply(route))
            .clock(clock)
            .build();
    SSLContext context = RaTlsSslContexts.client(trust);
    context.getClientSessionContext().setSessionTimeout(SESSION_LIFETIME_SECONDS);
    return context;
  }
}
