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
 * @param hardware the offers, with each one's default quota per project
 * @param defaultHardware the offer scaffolding proposes
 * @param isolation how the local runtimes are kept apart ({@code [isolation]})
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
    Isolation isolation) {

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

  /** A hardware offer and how many live apps of it each project may run by default. */
  public record Offer(HardwareOffer offer, int defaultQuota) {}

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
        Isolation.defaults());
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
        isolation);
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
        isolation);
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
        isolation);
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
        isolation);
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
        isolation);
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
        isolation);
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
        isolation);
  }

  public OperatorConfig withIsolation(Isolation value) {
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
        value);
  }
}
