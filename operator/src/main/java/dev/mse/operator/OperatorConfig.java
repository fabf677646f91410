package dev.mse.operator;

import dev.mse.operator.proxy.ProxyLimits;
import dev.mse.operator.store.HardwareOffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
 * @param hardware the offers, with each one's default quota per project
 * @param defaultHardware the offer scaffolding proposes
 * @param proxyLimits the SNI proxy's connection limits and ClientHello deadline
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
    ProxyLimits proxyLimits) {

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

  /** A hardware offer and how many live apps of it each project may run by default. */
  public record Offer(HardwareOffer offer, int defaultQuota) {}

  public OperatorConfig {
    Objects.requireNonNull(proxyLimits, "proxyLimits");
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
        ProxyLimits.DEFAULT);
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
        proxyLimits);
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
        proxyLimits);
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
        proxyLimits);
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
        proxyLimits);
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
        proxyLimits);
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
        proxyLimits);
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
        proxyLimits);
  }

  public OperatorConfig withProxyLimits(ProxyLimits limits) {
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
        limits);
  }
}
