package dev.mse.operator.node.runtime;

import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsCheck;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.attestation.verify.Check;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.protocol.deploy.DeploymentConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks a node's enclave port for its status over RA-TLS that the operator verifies: the certificate
 * must carry the app id, the package and the deployment config the operator started the node with.
 * The operator trusts its own nodes no more than anyone else does. The status names the state, a
 * failure's reason, the runtime's counters and the memory the app gets ({@code memory}).
 */
public final class NodeStatusClient {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http;
  private final URI uri;
  private final AtomicReference<String> refusal = new AtomicReference<>();
  private final AtomicReference<String> missingCollateral = new AtomicReference<>();

  /**
   * The checks that fail when collateral is past its next update: the PCCS issues newer collateral,
   * so they say "fetch again", not "this node is bad". A runtime's certificate keeps the collateral
   * it was issued with, which ages while the node runs.
   */
  private static final Set<Check> COLLATERAL_DATES =
      EnumSet.of(
          Check.TCB_INFO_VALIDITY,
          Check.QE_IDENTITY_VALIDITY,
          Check.PCK_CRL_VALIDITY,
          Check.ROOT_CRL_VALIDITY);

  /**
   * @param port the node's enclave port on loopback
   * @param config the app's deployment config
   * @param allowSimulation whether simulated evidence is acceptable (a simulated node)
   */
  public NodeStatusClient(int port, DeploymentConfig config, boolean allowSimulation) {
    this(
        port,
        config,
        AppraisalPolicy.defaults().withAllowSimulation(allowSimulation),
        Optional.empty(),
        Path.of("."));
  }

  /**
   * As above, under {@code policy}; when the runtime's certificate carries no collateral valid now,
   * it is fetched from {@code pccs} (when given) through an on-disk cache in {@code cacheDir}. An
   * SEV-SNP report's VCEK comes from the KDS the environment names ({@code -Dmse.kds.url}, {@code
   * $MSE_KDS_URL}, else AMD's).
   */
  public NodeStatusClient(
      int port,
      DeploymentConfig config,
      AppraisalPolicy policy,
      Optional<URI> pccs,
      Path cacheDir) {
    this("127.0.0.1", port, config, policy, pccs, cacheDir);
  }

  /** As above, for a node whose enclave port is at {@code host} (a pod's address). */
  public NodeStatusClient(
      String host,
      int port,
      DeploymentConfig config,
      AppraisalPolicy policy,
      Optional<URI> pccs,
      Path cacheDir) {
    RaTlsOptions options =
        RaTlsOptions.none()
            .withAppId(config.appId())
            .withPackageSha256(config.packageSha256())
            .withConfigSha256(config.sha256());
    if (pccs.isPresent()) {
      options =
          options.withCollateralSource(
              CollateralSource.pccs(pccs.get(), new CollateralCache(cacheDir, Clock.systemUTC())));
    }
    RaTlsTrustManager trust =
        RaTlsTrustManager.builder(policy)
            .options(options)
            .serverName(config.domain())
            .onRefusal(this::refused)
            .build();
    this.http =
        HttpClient.newBuilder()
            .sslContext(RaTlsSslContexts.client(trust))
            .connectTimeout(TIMEOUT)
            .build();
    String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    this.uri = URI.create("https://" + authority + ":" + port + "/.well-known/mse/status");
  }

  /**
   * Keeps why the node's evidence was refused when the TEE evidence itself fails the policy (a
   * revoked key, a TCB level, simulation or a measurement the policy does not accept, a bad
   * signature): waiting will not change that. Collateral or a VCEK still missing, or out of date,
   * comes later (the runtime and this client retry their PCCS or KDS): kept apart, for the node to
   * decide how long to wait. Claims that do not match what the node was started with are left as
   * before, to the deploy's timeout and the owner's own check.
   */
  private void refused(RaTlsAppraisal appraisal) {
    boolean datesOnly =
        appraisal
            .quote()
            .map(
                q ->
                    !q.reasons().isEmpty()
                        && q.reasons().stream().allMatch(r -> COLLATERAL_DATES.contains(r.check())))
            .orElse(false);
    if (appraisal.failed(RaTlsCheck.QUOTE) && !datesOnly) {
      refusal.set(appraisal.describe());
    } else if (appraisal.failed(RaTlsCheck.COLLATERAL) || datesOnly) {
      missingCollateral.set(appraisal.describe());
    }
  }

  /**
   * Why the node's evidence could not be appraised at the last {@link #status()} that found no
   * status, when that is collateral (or a VCEK) missing or out of date, which the PCCS (or KDS) may
   * still provide; empty otherwise.
   */
  public Optional<String> missingCollateral() {
    return Optional.ofNullable(missingCollateral.get());
  }

  /**
   * Why the node's evidence was refused at the last {@link #status()} that found no status, for a
   * reason that waiting will not change; empty when it was not refused so (or only for collateral
   * still missing).
   */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal.get());
  }

  /**
   * @return the status, or empty when the node does not answer (yet) or answers nonsense
   */
  public Optional<NodeStatus> status() throws InterruptedException {
    refusal.set(null);
    missingCollateral.set(null);
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(uri).GET().timeout(TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(r.body());
      JsonNode m = n.path("metrics");
      JsonNode memory = n.path("memory");
      NodeMetrics metrics =
          new NodeMetrics(
              m.path("requests").asLong(0),
              m.path("average_latency_ms").asDouble(0),
              m.path("active_connections").asLong(0),
              0,
              Math.max(0, memory.path("heap_max_bytes").asLong(0)),
              Math.max(0, memory.path("direct_max_bytes").asLong(0)));
      Optional<String> failure =
          n.path("failure").isString()
              ? Optional.of(n.path("failure").asString())
              : Optional.empty();
      return Optional.of(new NodeStatus(n.path("state").asString("unknown"), failure, metrics));
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  /** Stops the client's connections. */
  public void close() {
    http.close();
  }
}
