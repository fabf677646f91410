package dev.mse.operator;

import dev.mse.operator.node.runtime.GramineLaunch;
import dev.mse.operator.proxy.ProxyLimits;
import dev.mse.operator.store.HardwareOffer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an operator runs: read from {@code operator.toml} ({@link OperatorConfigParser}) or built in
 * code with {@link #defaults(Path)} and {@link #toBuilder()} (or the {@code with…} shorthands).
 *
 * @param dataDir where the H2 database, packages and temporary uploads live
 * @param databaseUrl a JDBC URL (PostgreSQL in production); empty: H2 in {@code dataDir}
 * @param apiHost the API's bind address (loopback by default)
 * @param apiPort the API's port (0: any free port)
 * @param apiTls the API's TLS identity (key store or PEM files); empty: plain HTTP
 * @param appsDomain apps are {@code <id>.<appsDomain>}, enclaves {@code <id>.enclave.<appsDomain>}
 * @param proxyHost where users reach the SNI proxy (for URLs and the CLI)
 * @param proxyPort the SNI proxy's port
 * @param signUp whether anyone may create an account
 * @param maxLifetime the longest an app may live
 * @param maxPackageBytes the largest encrypted package accepted
 * @param hardware the offers, with each one's quota per account (and per project)
 * @param defaultHardware the offer scaffolding proposes
 * @param proxyLimits the SNI proxy's connection limits and ClientHello deadline
 * @param limits what one account and one source address may do, and the operator-wide cap
 * @param domainTrustAnchors a PEM file of the CA certificates a custom domain's certificate must
 *     chain to; empty: the JDK's {@code cacerts}
 * @param isolation how the local runtimes are kept apart ({@code [isolation]})
 * @param cluster whether several instances share the database ({@code [cluster]})
 * @param pccsUrl the PCCS (or Intel PCS) the runtimes get their collateral from, and the node
 *     status client fetches from when a runtime's is missing or out of date ({@code pccs_url})
 * @param kubernetes where the {@code kubernetes} node provider runs apps ({@code node_provider =
 *     "kubernetes"} and {@code [kubernetes]}); empty: the {@code local} provider (the default)
 * @param nodePolicy the appraisal policy (TOML) the operator holds its own nodes' evidence to, in
 *     the node status client and the proxy's upstream trust ({@code node_policy}); empty: the
 *     default policy, with simulated evidence accepted from {@code simulation} nodes only
 * @param gramine Gramine's tools and the enclave signing key of {@code gramine-sgx} nodes ({@code
 *     [gramine]}: {@code signer_key}, {@code bin_dir}, {@code max_threads})
 */
public record OperatorConfig(
    Path dataDir,
    Optional<String> databaseUrl,
    String apiHost,
    int apiPort,
    Optional<Tls> apiTls,
    String appsDomain,
    String proxyHost,
    int proxyPort,
    boolean signUp,
    Duration maxLifetime,
    long maxPackageBytes,
    List<Offer> hardware,
    String defaultHardware,
    ProxyLimits proxyLimits,
    Limits limits,
    Optional<Path> domainTrustAnchors,
    Isolation isolation,
    Cluster cluster,
    Optional<URI> pccsUrl,
    Optional<Kubernetes> kubernetes,
    Optional<Path> nodePolicy,
    GramineLaunch.Settings gramine) {

  public static final long DEFAULT_MAX_PACKAGE_BYTES = 256L * 1024 * 1024;

  /** Where the API's TLS identity comes from. */
  public sealed interface Tls {
    /**
     * A PKCS#12 (or JKS) key store.
     *
     * @param file the key store
     * @param password its password (also the key's)
     */
    record KeyStoreFile(Path file, String password) implements Tls {
      @Override
      public String toString() {
        return "KeyStoreFile[" + file + "]";
      }
    }

    /**
     * PEM files, as most certificate tools write them.
     *
     * @param certificateChain the certificate, then its issuers
     * @param privateKey the key (PKCS#8, or SEC1 / PKCS#1), unencrypted
     */
    record PemFiles(Path certificateChain, Path privateKey) implements Tls {}
  }

  /**
   * A hardware offer and how many live apps of it each account may run (all its projects together);
   * each new project starts with the same number as its own quota.
   */
  public record Offer(HardwareOffer offer, int defaultQuota) {}

  /**
   * What one account and one source address may do.
   *
   * @param projectsPerAccount how many projects one account may have
   * @param liveApps how many apps may be live on this operator, all accounts together
   * @param signUpsPerSourcePerHour accounts one source address may create per hour
   * @param loginsPerSourcePerMinute password attempts one source address may make per minute
   * @param tokenLifetime how long a new API token lives unless its creator asks for less
   */
  public record Limits(
      int projectsPerAccount,
      int liveApps,
      int signUpsPerSourcePerHour,
      int loginsPerSourcePerMinute,
      Duration tokenLifetime) {
    /** The longest a token may be asked to live. */
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(365);

    /** After MAX_TOKEN_LIFETIME, which the constructor reads. */
    public static final Limits DEFAULTS = new Limits(10, 1000, 5, 10, Duration.ofDays(90));

    public Limits {
      if (projectsPerAccount < 1
          || liveApps < 1
          || signUpsPerSourcePerHour < 1
          || loginsPerSourcePerMinute < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
      if (tokenLifetime.compareTo(Duration.ofDays(1)) < 0
          || tokenLifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
        throw new IllegalArgumentException("token_lifetime_days must be between 1 and 365");
      }
    }
  }

  /**
   * How the local node provider keeps tenants apart. As root, each runtime runs under a user id of
   * its own from {@code [firstUid, firstUid + uidCount)}, with no entry in {@code /etc/passwd}.
   * Otherwise every runtime shares the operator's user, which is only safe for one tenant: a second
   * account is refused unless {@code allowSharedUser}.
   *
   * @param perAppUsers run runtimes under their own users; empty: when the operator is root
   * @param firstUid the first user id (and group id) given to a runtime
   * @param uidCount how many user ids the operator may use, so how many runtimes at once
   * @param allowSharedUser serve several accounts although runtimes share the operator's user
   * @param nodesDir where the nodes' directories live; empty: {@code <dataDir>/nodes}, or with
   *     per-app users {@code /var/lib/mse-nodes/<digest of dataDir>} (the data directory is 0700,
   *     so a runtime user could not reach a node directory inside it). Every directory above it
   *     must be traversable by other users.
   * @param logMaxBytes the most a node's {@code runtime.log} grows before it is rotated to {@code
   *     runtime.log.1} (so a node keeps at most about twice this)
   */
  public record Isolation(
      Optional<Boolean> perAppUsers,
      int firstUid,
      int uidCount,
      boolean allowSharedUser,
      Optional<Path> nodesDir,
      long logMaxBytes) {
    public static final int DEFAULT_FIRST_UID = 210_000;
    public static final int DEFAULT_UID_COUNT = 10_000;
    public static final long DEFAULT_LOG_MAX_BYTES = 10L * 1024 * 1024;

    public Isolation {
      if (firstUid < 1000 || uidCount < 1 || (long) firstUid + uidCount > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "[isolation] first_uid must be at least 1000 and the range must fit in 31 bits");
      }
      if (logMaxBytes < 4096) {
        throw new IllegalArgumentException("[isolation] log_max_bytes must be at least 4096");
      }
    }

    public static Isolation defaults() {
      return new Isolation(
          Optional.empty(),
          DEFAULT_FIRST_UID,
          DEFAULT_UID_COUNT,
          false,
          Optional.empty(),
          DEFAULT_LOG_MAX_BYTES);
    }

    public Isolation withPerAppUsers(boolean value) {
      return new Isolation(
          Optional.of(value), firstUid, uidCount, allowSharedUser, nodesDir, logMaxBytes);
    }

    public Isolation withAllowSharedUser(boolean value) {
      return new Isolation(perAppUsers, firstUid, uidCount, value, nodesDir, logMaxBytes);
    }

    public Isolation withNodesDir(Path dir) {
      return new Isolation(
          perAppUsers, firstUid, uidCount, allowSharedUser, Optional.of(dir), logMaxBytes);
    }

    public Isolation withLogMaxBytes(long bytes) {
      return new Isolation(perAppUsers, firstUid, uidCount, allowSharedUser, nodesDir, bytes);
    }
  }

  /**
   * The {@code kubernetes} node provider's settings: each app a pod in {@code namespace}, running
   * the runtime image of this operator's TEE (docs/kubernetes.md).
   *
   * @param namespace where the apps' pods and everything they own are made
   * @param apiUrl the Kubernetes API server; empty: in-cluster, else the kubeconfig
   * @param tee the TEE of every node: simulation, gramine-sgx or tsm
   * @param images the runtime image of each TEE kind (only that of {@code tee} is used)
   * @param runtimeClass the pods' {@code runtimeClassName} for offers not in {@code runtimeClasses}
   *     (Confidential Containers: {@code kata-qemu-tdx}, {@code kata-qemu-snp})
   * @param runtimeClasses the runtime class of each hardware offer, by offer name
   * @param storageClass the storage class of the apps' sealed-state volumes; empty: the cluster's
   *     default
   * @param stateSizeMb the size of each app's sealed-state volume
   * @param proxyLabels the labels of the operator's pods: the only pods the apps' network policies
   *     let in
   * @param runAsUser the user id (and group) the runtime container runs as (never root)
   * @param maxRestarts how many times a node whose pod ended is made again before the app fails
   */
  public record Kubernetes(
      String namespace,
      Optional<String> apiUrl,
      String tee,
      java.util.Map<String, String> images,
      Optional<String> runtimeClass,
      java.util.Map<String, String> runtimeClasses,
      Optional<String> storageClass,
      int stateSizeMb,
      java.util.Map<String, String> proxyLabels,
      long runAsUser,
      int maxRestarts) {
    public static final java.util.Set<String> TEES =
        java.util.Set.of("simulation", "gramine-sgx", "tsm");

    public Kubernetes {
      images = java.util.Map.copyOf(images);
      runtimeClasses = java.util.Map.copyOf(runtimeClasses);
      proxyLabels = java.util.Map.copyOf(proxyLabels);
      if (!TEES.contains(tee)) {
        throw new IllegalArgumentException(
            "[kubernetes] tee must be simulation, gramine-sgx or tsm");
      }
      if (!images.containsKey(tee)) {
        throw new IllegalArgumentException(
            "[kubernetes.images] needs the image for tee '" + tee + "'");
      }
      if (proxyLabels.isEmpty()) {
        throw new IllegalArgumentException(
            "[kubernetes.proxy_labels] must name at least one label");
      }
      if (runAsUser < 1 || stateSizeMb < 1 || maxRestarts < 0) {
        throw new IllegalArgumentException(
            "[kubernetes] run_as_user and state_size_mb must be positive, max_restarts not negative");
      }
    }

    /** The runtime class of an offer's pods, if any. */
    public Optional<String> runtimeClassOf(String offer) {
      return Optional.ofNullable(runtimeClasses.get(offer)).or(() -> runtimeClass);
    }

    /** The image of this operator's TEE. */
    public String image() {
      return images.get(tee);
    }
  }

  public OperatorConfig {
    Objects.requireNonNull(proxyLimits, "proxyLimits");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(isolation, "isolation");
    Objects.requireNonNull(cluster, "cluster");
    hardware = List.copyOf(hardware);
    if (hardware.isEmpty()) {
      throw new IllegalArgumentException("the operator needs at least one hardware offer");
    }
    String def = defaultHardware;
    if (hardware.stream().noneMatch(o -> o.offer().name().equals(def))) {
      throw new IllegalArgumentException(
          "default_hardware '" + defaultHardware + "' is not one of the offers");
    }
    if (apiPort < 0 || apiPort > 65535 || proxyPort < 1 || proxyPort > 65535) {
      throw new IllegalArgumentException("ports must be between 1 and 65535");
    }
    if (maxPackageBytes <= 0 || maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new IllegalArgumentException("limits must be positive");
    }
    Objects.requireNonNull(kubernetes, "kubernetes");
    if (kubernetes.isPresent()) {
      for (String offer : kubernetes.get().runtimeClasses().keySet()) {
        if (hardware.stream().noneMatch(o -> o.offer().name().equals(offer))) {
          throw new IllegalArgumentException(
              "[kubernetes.runtime_classes] '" + offer + "' is not one of the offers");
        }
      }
      if (kubernetes.get().tee().equals("tsm")) {
        // a confidential VM per pod: without a runtime class the pod would run in no TEE at all
        for (Offer o : hardware) {
          if (kubernetes.get().runtimeClassOf(o.offer().name()).isEmpty()) {
            throw new IllegalArgumentException(
                "[kubernetes] tee 'tsm' needs a runtime_class (or runtime_classes) for offer '"
                    + o.offer().name()
                    + "'");
          }
        }
      }
    }
  }

  /** The node provider's name: {@code kubernetes} or {@code local}. */
  public String nodeProvider() {
    return kubernetes.isPresent() ? "kubernetes" : "local";
  }

  /** The defaults: H2 under {@code dataDir}, API on 127.0.0.1:8080, offers 4g and 8g. */
  public static OperatorConfig defaults(Path dataDir) {
    return new OperatorConfig(
        dataDir,
        Optional.empty(),
        "127.0.0.1",
        8080,
        Optional.empty(),
        "mse.localhost",
        "127.0.0.1",
        8443,
        true,
        Duration.ofDays(365),
        DEFAULT_MAX_PACKAGE_BYTES,
        List.of(
            new Offer(new HardwareOffer("4g", 4096, 2, 1024), 3),
            new Offer(new HardwareOffer("8g", 8192, 4, 2048), 3)),
        "4g",
        ProxyLimits.DEFAULT,
        Limits.DEFAULTS,
        Optional.empty(),
        Isolation.defaults(),
        Cluster.SINGLE,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        GramineLaunch.Settings.DEFAULTS);
  }

  /** The JDBC URL to open: the configured one, or H2 in the data directory. */
  public String jdbcUrl() {
    return databaseUrl.orElseGet(() -> dev.mse.operator.store.Database.h2Url(dataDir));
  }

  public OperatorConfig withDatabaseUrl(String url) {
    return toBuilder().databaseUrl(url).build();
  }

  public OperatorConfig withApi(String host, int port) {
    return toBuilder().api(host, port).build();
  }

  public OperatorConfig withSignUp(boolean allowed) {
    return toBuilder().signUp(allowed).build();
  }

  public OperatorConfig withMaxPackageBytes(long bytes) {
    return toBuilder().maxPackageBytes(bytes).build();
  }

  public OperatorConfig withHardware(List<Offer> offers, String defaultOffer) {
    return toBuilder().hardware(offers, defaultOffer).build();
  }

  public OperatorConfig withProxy(String host, int port) {
    return toBuilder().proxy(host, port).build();
  }

  public OperatorConfig withApiTls(Tls tls) {
    return toBuilder().apiTls(tls).build();
  }

  public OperatorConfig withProxyLimits(ProxyLimits newLimits) {
    return toBuilder().proxyLimits(newLimits).build();
  }

  public OperatorConfig withLimits(Limits newLimits) {
    return toBuilder().limits(newLimits).build();
  }

  public OperatorConfig withDomainTrustAnchors(Path pemFile) {
    return toBuilder().domainTrustAnchors(pemFile).build();
  }

  public OperatorConfig withPccsUrl(URI url) {
    return toBuilder().pccsUrl(url).build();
  }

  /** Nodes' evidence held to the policy in {@code policyFile} ({@code node_policy}). */
  public OperatorConfig withNodePolicy(Path policyFile) {
    return toBuilder().nodePolicy(policyFile).build();
  }

  public OperatorConfig withIsolation(Isolation value) {
    return toBuilder().isolation(value).build();
  }

  /** The {@code kubernetes} node provider with these settings. */
  public OperatorConfig withKubernetes(Kubernetes value) {
    return toBuilder().kubernetes(value).build();
  }

  /** Several instances on one database, or one alone. */
  public OperatorConfig withCluster(Cluster value) {
    return toBuilder().cluster(value).build();
  }

  /**
   * Whether this instance is one of several sharing one PostgreSQL ({@code [cluster]}). Declared,
   * not detected: an instance that guessed wrongly that it is alone would run the background work
   * beside a leader.
   *
   * @param enabled several instances share the database: background work runs on the leader only
   * @param sharedHost every instance runs on this one host with the same {@code [isolation]
   *     nodes_dir}, so the {@code local} provider's nodes are the leader's processes on it (tests
   *     and demos; a cluster of hosts needs the {@code kubernetes} provider)
   */
  public record Cluster(boolean enabled, boolean sharedHost) {
    /** One instance alone: today's behaviour. */
    public static final Cluster SINGLE = new Cluster(false, false);

    public Cluster {
      if (sharedHost && !enabled) {
        throw new IllegalArgumentException("[cluster] shared_host needs enabled = true");
      }
    }
  }

  /** A builder holding this configuration, to change some of it by name. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes a configuration by name; {@link #build()} checks the result as the record does. One
   * place lists every component, so a new setting is a field here and a component above.
   */
  public static final class Builder {
    private Path dataDir;
    private Optional<String> databaseUrl;
    private String apiHost;
    private int apiPort;
    private Optional<Tls> apiTls;
    private String appsDomain;
    private String proxyHost;
    private int proxyPort;
    private boolean signUp;
    private Duration maxLifetime;
    private long maxPackageBytes;
    private List<Offer> hardware;
    private String defaultHardware;
    private ProxyLimits proxyLimits;
    private Limits limits;
    private Optional<Path> domainTrustAnchors;
    private Isolation isolation;
    private Cluster cluster;
    private Optional<URI> pccsUrl;
    private Optional<Kubernetes> kubernetes;
    private Optional<Path> nodePolicy;
    private GramineLaunch.Settings gramine;

    private Builder(OperatorConfig c) {
      dataDir = c.dataDir;
      databaseUrl = c.databaseUrl;
      apiHost = c.apiHost;
      apiPort = c.apiPort;
      apiTls = c.apiTls;
      appsDomain = c.appsDomain;
      proxyHost = c.proxyHost;
      proxyPort = c.proxyPort;
      signUp = c.signUp;
      maxLifetime = c.maxLifetime;
      maxPackageBytes = c.maxPackageBytes;
      hardware = c.hardware;
      defaultHardware = c.defaultHardware;
      proxyLimits = c.proxyLimits;
      limits = c.limits;
      domainTrustAnchors = c.domainTrustAnchors;
      isolation = c.isolation;
      cluster = c.cluster;
      pccsUrl = c.pccsUrl;
      kubernetes = c.kubernetes;
      nodePolicy = c.nodePolicy;
      gramine = c.gramine;
    }

    public Builder databaseUrl(String url) {
      databaseUrl = Optional.of(url);
      return this;
    }

    public Builder api(String host, int port) {
      apiHost = host;
      apiPort = port;
      return this;
    }

    public Builder apiTls(Tls tls) {
      apiTls = Optional.of(tls);
      return this;
    }

    public Builder appsDomain(String domain) {
      appsDomain = domain;
      return this;
    }

    public Builder proxy(String host, int port) {
      proxyHost = host;
      proxyPort = port;
      return this;
    }

    public Builder signUp(boolean allowed) {
      signUp = allowed;
      return this;
    }

    public Builder maxLifetime(Duration lifetime) {
      maxLifetime = lifetime;
      return this;
    }

    public Builder maxPackageBytes(long bytes) {
      maxPackageBytes = bytes;
      return this;
    }

    public Builder hardware(List<Offer> offers, String defaultOffer) {
      hardware = offers;
      defaultHardware = defaultOffer;
      return this;
    }

    public Builder proxyLimits(ProxyLimits newLimits) {
      proxyLimits = newLimits;
      return this;
    }

    public Builder limits(Limits newLimits) {
      limits = newLimits;
      return this;
    }

    public Builder domainTrustAnchors(Path pemFile) {
      domainTrustAnchors = Optional.of(pemFile);
      return this;
    }

    public Builder isolation(Isolation value) {
      isolation = value;
      return this;
    }

    public Builder cluster(Cluster value) {
      cluster = value;
      return this;
    }

    public Builder pccsUrl(URI url) {
      pccsUrl = Optional.of(url);
      return this;
    }

    public Builder kubernetes(Kubernetes value) {
      kubernetes = Optional.of(value);
      return this;
    }

    public Builder nodePolicy(Path policyFile) {
      nodePolicy = Optional.of(policyFile);
      return this;
    }

    public Builder gramine(GramineLaunch.Settings value) {
      gramine = value;
      return this;
    }

    public OperatorConfig build() {
      return new OperatorConfig(
          dataDir,
          databaseUrl,
          apiHost,
          apiPort,
          apiTls,
          appsDomain,
          proxyHost,
          proxyPort,
          signUp,
          maxLifetime,
          maxPackageBytes,
          hardware,
          defaultHardware,
          proxyLimits,
          limits,
          domainTrustAnchors,
          isolation,
          cluster,
          pccsUrl,
          kubernetes,
          nodePolicy,
          gramine);
    }
  }
}
