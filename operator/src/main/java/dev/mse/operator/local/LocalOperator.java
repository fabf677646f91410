package dev.mse.operator.local;

import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorConfigException;
import dev.mse.operator.node.NodeTrust;
import dev.mse.operator.node.kubernetes.KubernetesNodeProvider;
import dev.mse.operator.node.kubernetes.NodeObjects;
import dev.mse.operator.node.local.LocalNodeProvider;
import dev.mse.operator.proxy.ProxyConfig;
import dev.mse.operator.proxy.RaTlsUpstreamTrust;
import dev.mse.operator.proxy.SniProxy;
import dev.mse.operator.store.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A whole operator on one host, as {@code mse operator serve} and {@code mse demo} run it: the
 * control plane ({@link Operator}: database, accounts, API), one runtime process per app ({@link
 * LocalNodeProvider}) and the SNI proxy in front of them, with the operator's TLS identity for
 * {@code --untrusted-ssl} apps. The proxy verifies the RA-TLS of the nodes it terminates for.
 */
public final class LocalOperator implements AutoCloseable {
  /** How many times a node that dies is restarted from its sealed state. */
  private static final int MAX_RESTARTS = 3;

  /** How long a new enclave waits for its owner's provisioning. */
  private static final Duration PROVISIONING_TIMEOUT = Duration.ofHours(1);

  /** Where nodes live by default when runtimes run under users of their own. */
  static final String NODES_ROOT = "/var/lib/mse-nodes";

  /**
   * @param config the control plane's configuration
   * @param runtimeDir the runtime distribution the nodes run (the local provider's)
   * @param tee simulation, gramine-sgx or tsm (with {@code node_provider = "kubernetes"}: that of
   *     its {@code [kubernetes]} table, whatever this says)
   */
  public record Settings(OperatorConfig config, Path runtimeDir, String tee) {}

  private final Operator operator;
  private final SniProxy proxy;
  private final OperatorTls tls;
  private final Path nodesDir;

  private LocalOperator(Operator operator, SniProxy proxy, OperatorTls tls, Path nodesDir) {
    this.operator = operator;
    this.proxy = proxy;
    this.tls = tls;
    this.nodesDir = nodesDir;
  }

  public static LocalOperator start(Settings s) throws Exception {
    refuseSeveralHosts(s.config());
    OperatorConfig.Isolation isolation = s.config().isolation();
    boolean perAppUsers = isolation.perAppUsers().orElseGet(LocalNodeProvider::operatorIsRoot);
    OperatorConfig perUser = s.config().withIsolation(isolation.withPerAppUsers(perAppUsers));
    // The nodes directory, named in the configuration the operator gets: its start-up checks
    // (an empty database beside existing nodes) look where the nodes really are.
    OperatorConfig config =
        perUser.withIsolation(perUser.isolation().withNodesDir(nodesDir(perUser, perAppUsers)));
    DataDirectory.secure(config.dataDir());
    OperatorTls tls =
        OperatorTls.loadOrCreate(config.dataDir().resolve("tls"), config.appsDomain());
    String tee = config.kubernetes().map(OperatorConfig.Kubernetes::tee).orElse(s.tee());
    NodeTrust trust = NodeTrust.of(config, tee);
    LocalNodeProvider.Settings nodes =
        new LocalNodeProvider.Settings(
            nodesDir(config, perAppUsers),
            s.runtimeDir(),
            tee,
            PROVISIONING_TIMEOUT,
            MAX_RESTARTS,
            perAppUsers
                ? Optional.of(
                    new LocalNodeProvider.UidRange(isolation.firstUid(), isolation.uidCount()))
                : Optional.empty(),
            isolation.logMaxBytes(),
            config.proxyLimits().maxConnectionsPerApp(),
            config.pccsUrl(),
            trust.policy(),
            config.gramine());
    Operator operator =
        Operator.start(
            config,
            listener -> {
              if (config.kubernetes().isPresent()) {
                return KubernetesNodeProvider.connect(
                    config.kubernetes().get(),
                    config.proxyLimits().maxConnectionsPerApp(),
                    new KubernetesNodeProvider.StatusReading(
                        trust.policy(),
                        config.pccsUrl(),
                        NodeTrust.cacheDir(config),
                        NodeObjects.ENCLAVE_PORT),
                    listener);
              }
              try {
                return new LocalNodeProvider(nodes, listener);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      SniProxy proxy =
          new SniProxy(
                  ProxyConfig.defaults(
                          new InetSocketAddress(config.proxyHost(), config.proxyPort()))
                      .withLimits(config.proxyLimits())
                      .withTerminate(tls.serverContext()),
                  operator.routes(),
                  new RaTlsUpstreamTrust(
                      trust.policy(),
                      r -> operator.appDomain(r.appId()),
                      Clock.systemUTC(),
                      config.proxyLimits().evidenceLifetime(),
                      trust.collateral()),
                  operator.traffic())
              .start();
      return new LocalOperator(operator, proxy, tls, nodes.nodesDir());
    } catch (Exception e) {
      operator.close();
      throw e;
    }
  }

  /**
   * The local provider's nodes are processes of this host: several instances can share them only
   * when they all run here ({@code [cluster] shared_host}) and look in one nodes directory. The
   * kubernetes provider's pods are reachable from every instance.
   */
  static void refuseSeveralHosts(OperatorConfig config) throws OperatorConfigException {
    OperatorConfig.Cluster cluster = config.cluster();
    if (!cluster.enabled() || config.kubernetes().isPresent()) {
      return;
    }
    if (!cluster.sharedHost()) {
      throw new OperatorConfigException(
          "the local node provider runs apps as processes of this host, which other operator"
              + " instances cannot reach: several instances ([cluster] enabled) need a provider"
              + " for several hosts, or [cluster] shared_host = true when all of them run on"
              + " this host");
    }
    if (config.isolation().nodesDir().isEmpty()) {
      throw new OperatorConfigException(
          "[cluster] shared_host needs [isolation] nodes_dir, the same for every instance: the"
              + " leader of the moment runs the nodes there");
    }
  }

  /**
   * Where the nodes live: as configured; else in the data directory when runtimes share the
   * operator's user; else (the data directory is 0700, runtime users could not reach inside) under
   * {@value #NODES_ROOT}, in a directory named for the data directory.
   */
  public static Path nodesDir(OperatorConfig config, boolean perAppUsers) {
    if (config.isolation().nodesDir().isPresent()) {
      return config.isolation().nodesDir().get();
    }
    if (!perAppUsers) {
      return config.dataDir().resolve("nodes");
    }
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  config
                      .dataDir()
                      .toAbsolutePath()
                      .normalize()
                      .toString()
                      .getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return Path.of(NODES_ROOT, HexFormat.of().formatHex(digest, 0, 8));
  }

  public Operator operator() {
    return operator;
  }

  /** Where the nodes' directories are. */
  public Path nodesDir() {
    return nodesDir;
  }

  public URI apiUri() {
    return operator.apiUri();
  }

  public int proxyPort() {
    return proxy.port();
  }

  /** The CA that signed the proxy's certificate for operator-mode apps. */
  public Path operatorCaFile() {
    return tls.caFile();
  }

  /** Stops the proxy and the control plane; nodes keep running for the next start. */
  @Override
  public void close() throws Exception {
    try {
      proxy.close();
    } finally {
      operator.close();
    }
  }
}
