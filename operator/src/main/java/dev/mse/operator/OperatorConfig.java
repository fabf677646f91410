package dev.mse.operator;

import dev.mse.operator.store.HardwareOffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How an operator runs: read from {@code operator.toml} ({@link OperatorConfigParser}) or built in
 * code with {@link #defaults(Path)} and the {@code with…} methods.
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
 * @param limits what one account and one source address may do, and the operator-wide cap
 * @param domainTrustAnchors a PEM file of the CA certificates a custom domain's certificate must
 *     chain to; empty: the JDK's {@code cacerts}
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
    Limits limits,
    Optional<Path> domainTrustAnchors) {

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

  public OperatorConfig {
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
        Limits.DEFAULTS,
        Optional.empty());
  }

  /** The JDBC URL to open: the configured one, or H2 in the data directory. */
  public String jdbcUrl() {
    return databaseUrl.orElseGet(() -> dev.mse.operator.store.Database.h2Url(dataDir));
  }

  public OperatorConfig withDatabaseUrl(String url) {
    return new OperatorConfig(
        dataDir,
        Optional.of(url),
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
        limits,
        domainTrustAnchors);
  }

  public OperatorConfig withApi(String host, int port) {
    return new OperatorConfig(
        dataDir,
        databaseUrl,
        host,
        port,
        apiTls,
        appsDomain,
        proxyHost,
        proxyPort,
        signUp,
        maxLifetime,
        maxPackageBytes,
        hardware,
        defaultHardware,
        limits,
        domainTrustAnchors);
  }

  public OperatorConfig withSignUp(boolean allowed) {
    return new OperatorConfig(
        dataDir,
        databaseUrl,
        apiHost,
        apiPort,
        apiTls,
        appsDomain,
        proxyHost,
        proxyPort,
        allowed,
        maxLifetime,
        maxPackageBytes,
        hardware,
        defaultHardware,
        limits,
        domainTrustAnchors);
  }

  public OperatorConfig withMaxPackageBytes(long bytes) {
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
        bytes,
        hardware,
        defaultHardware,
        limits,
        domainTrustAnchors);
  }

  public OperatorConfig withHardware(List<Offer> offers, String defaultOffer) {
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
        offers,
        defaultOffer,
        limits,
        domainTrustAnchors);
  }

  public OperatorConfig withProxy(String host, int port) {
    return new OperatorConfig(
        dataDir,
        databaseUrl,
        apiHost,
        apiPort,
        apiTls,
        appsDomain,
        host,
        port,
        signUp,
        maxLifetime,
        maxPackageBytes,
        hardware,
        defaultHardware,
        limits,
        domainTrustAnchors);
  }

  public OperatorConfig withLimits(Limits newLimits) {
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
        newLimits,
        domainTrustAnchors);
  }

  public OperatorConfig withDomainTrustAnchors(Path pemFile) {
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
        limits,
        Optional.of(pemFile));
  }

  public OperatorConfig withApiTls(Tls tls) {
    return new OperatorConfig(
        dataDir,
        databaseUrl,
        apiHost,
        apiPort,
        Optional.of(tls),
        appsDomain,
        proxyHost,
        proxyPort,
        signUp,
        maxLifetime,
        maxPackageBytes,
        hardware,
        defaultHardware,
        limits,
        domainTrustAnchors);
  }
}
