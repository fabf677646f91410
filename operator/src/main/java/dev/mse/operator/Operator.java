package dev.mse.operator;

import dev.mse.operator.account.AccountService;
import dev.mse.operator.account.OAuthLogin;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.admin.AdminChannel;
import dev.mse.operator.admin.AdminCommands;
import dev.mse.operator.api.ApiServer;
import dev.mse.operator.apps.AppRouteTable;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.apps.AppTraffic;
import dev.mse.operator.apps.HardwareCatalog;
import dev.mse.operator.apps.NodeEvents;
import dev.mse.operator.apps.StartupReconciliation;
import dev.mse.operator.cluster.ClusterMember;
import dev.mse.operator.node.NodeListener;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.SharedUserPolicy;
import dev.mse.operator.proxy.ProxyMetrics;
import dev.mse.operator.proxy.RouteTable;
import dev.mse.operator.store.DataDirectory;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.EmptyDatabaseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane, wired: database, accounts, apps, the node provider, the API server and the
 * expiry task. The SNI proxy is started beside it with {@link #routes()} and {@link #traffic()}.
 *
 * <pre>
 * OperatorConfig config = OperatorConfigParser.read(Path.of("operator.toml"));
 * try (Operator operator = Operator.start(config, listener -> new LocalNodeProvider(..., listener))) {
 *   proxy = new SniProxy(..., operator.routes(), operator.traffic());
 *   ...
 * }
 * </pre>
 */
public final class Operator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Operator.class);

  /** How often expired apps are stopped and old logs purged. */
  public static final Duration EXPIRY_PERIOD = Duration.ofSeconds(30);

  /** How often the proxy's counters are added to the database. */
  public static final Duration TRAFFIC_FLUSH_PERIOD = Duration.ofSeconds(10);

  private final OperatorConfig config;
  private final Database db;
  private final NodeProvider nodes;
  private final AccountService accounts;
  private final ProjectService projects;
  private final AppService apps;
  private final AppRouteTable routes;
  private final AppTraffic traffic;
  private final ApiServer api;
  private final Optional<AdminChannel> admin;
  private final ScheduledExecutorService expiry;
  private final Optional<ClusterMember> cluster;

  private Operator(
      OperatorConfig config,
      Database db,
      NodeProvider nodes,
      AccountService accounts,
      ProjectService projects,
      AppService apps,
      AppRouteTable routes,
      AppTraffic traffic,
      ApiServer api,
      Optional<AdminChannel> admin,
      ScheduledExecutorService expiry,
      Optional<ClusterMember> cluster) {
    this.config = config;
    this.db = db;
    this.nodes = nodes;
    this.accounts = accounts;
    this.projects = projects;
    this.apps = apps;
    this.routes = routes;
    this.traffic = traffic;
    this.api = api;
    this.admin = admin;
    this.expiry = expiry;
    this.cluster = cluster;
  }

  /**
   * Binds the admin channel, opens the database (migrating it; refusing to create a schema beside
   * the nodes of a lost one), syncs the hardware offers, builds the node provider with the
   * operator's listener, reconciles the host with the database ({@link StartupReconciliation}),
   * resumes every live app, starts the API, the admin channel and the expiry task.
   *
   * @param nodeProviders builds the node provider given the listener it must report to
   */
  public static Operator start(
      OperatorConfig config, Function<NodeListener, NodeProvider> nodeProviders) throws Exception {
    return start(config, nodeProviders, Clock.systemUTC());
  }

  /** As {@link #start(OperatorConfig, Function)} with a clock (tests). */
  public static Operator start(
      OperatorConfig config, Function<NodeListener, NodeProvider> nodeProviders, Clock clock)
      throws Exception {
    try {
      DataDirectory.secure(config.dataDir());
    } catch (IOException e) {
      throw new IOException("cannot create the data directory " + config.dataDir(), e);
    }
    if (SharedUserPolicy.singleTenant(config)) {
      LOG.warn(SharedUserPolicy.MESSAGE);
    }
    if (config.cluster().enabled() && !config.jdbcUrl().startsWith("jdbc:postgresql:")) {
      throw new OperatorConfigException(
          "[cluster] enabled needs PostgreSQL (database_url): the instances share its database");
    }
    // first: an operator already serving this data directory answers here, and this one stops
    Optional<AdminChannel> admin = AdminChannel.bind(config.dataDir());
    Database db;
    try {
      db = Database.open(config.jdbcUrl(), () -> refuseFreshSchemaBesideNodes(config));
    } catch (RuntimeException e) {
      admin.ifPresent(AdminChannel::close);
      throw e;
    }
    NodeProvider nodes = null;
    ScheduledExecutorService expiry = null;
    Optional<ClusterMember> member = Optional.empty();
    try {
      HardwareCatalog hardware = new HardwareCatalog(db);
      hardware.sync(config);
      AccountService accounts = new AccountService(db, config, clock);
      ProjectService projects = new ProjectService(db, config, clock);
      OAuthLogin oauth = new OAuthLogin(db, accounts, clock);
      NodeEvents events = new NodeEvents();
      nodes = nodeProviders.apply(events);
      AppRouteTable routes = new AppRouteTable(config.appsDomain());
      AppTraffic traffic = new AppTraffic(db);
      AppService apps = new AppService(db, config, projects, nodes, events, routes, traffic, clock);
      StartupReconciliation reconciliation = new StartupReconciliation(db, nodes, apps);
      if (config.cluster().enabled()) {
        // this data directory is this instance's; the nodes are the leader's, on election
        reconciliation.runFiles();
        member =
            Optional.of(
                new ClusterMember(
                    config.jdbcUrl(),
                    instanceName(config),
                    db,
                    apps,
                    nodes,
                    reconciliation,
                    EXPIRY_PERIOD));
        apps.coordinateWith(member.get());
      } else {
        reconciliation.run();
      }
      // H2 and the services made their files with the process's umask: none is for anyone else
      DataDirectory.tighten(config.dataDir());
      if (member.isEmpty()) {
        apps.resumeAll();
      }
      ApiServer api = ApiServer.start(config, accounts, projects, oauth, hardware, apps, db, clock);
      admin.ifPresent(a -> a.serve(new AdminCommands(accounts)));
      expiry =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().name("operator-expiry").daemon().unstarted(r));
      if (member.isEmpty()) {
        // one of several: the leader runs these (ClusterMember)
        expiry.scheduleWithFixedDelay(
            () -> {
              try {
                apps.enforceExpiry();
              } catch (RuntimeException e) {
                LOG.warn("expiry check failed: {}", e.getMessage());
              }
            },
            0,
            EXPIRY_PERIOD.toMillis(),
            TimeUnit.MILLISECONDS);
        expiry.scheduleWithFixedDelay(
            () -> {
              try {
                apps.recordMetricSamples();
              } catch (RuntimeException e) {
                LOG.warn("recording the charts' samples failed: {}", e.getMessage());
              }
            },
            AppService.METRICS_SAMPLE_PERIOD.toMillis(),
            AppService.METRICS_SAMPLE_PERIOD.toMillis(),
            TimeUnit.MILLISECONDS);
      }
      expiry.scheduleWithFixedDelay(
          traffic::flush,
          TRAFFIC_FLUSH_PERIOD.toMillis(),
          TRAFFIC_FLUSH_PERIOD.toMillis(),
          TimeUnit.MILLISECONDS);
      member.ifPresent(ClusterMember::start);
      LOG.info("operator API on {}", api.uri());
      return new Operator(
          config, db, nodes, accounts, projects, apps, routes, traffic, api, admin, expiry, member);
    } catch (Exception | Error e) {
      member.ifPresent(ClusterMember::close);
      if (expiry != null) {
        expiry.shutdownNow();
      }
      admin.ifPresent(AdminChannel::close);
      if (nodes != null) {
        nodes.close();
      }
      db.close();
      throw e;
    }
  }

  /** This instance in the lease row: host, process and API port. */
  private static String instanceName(OperatorConfig config) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "unknown-host";
    }
    return host + ":" + ProcessHandle.current().pid() + ":" + config.apiPort();
  }

  /**
   * Whether this instance runs the background work now: alone, always; one of several, as leader.
   */
  public boolean leads() {
    return cluster.map(ClusterMember::leads).orElse(true);
  }

  /**
   * A database without a schema beside node directories or packages has lost the operator's state
   * (a file emptied, a wrong URL): starting afresh would orphan every node, so the operator
   * refuses.
   */
  private static void refuseFreshSchemaBesideNodes(OperatorConfig config) {
    Path dataDir = config.dataDir();
    // Nodes live in the data directory, or (per-app users) where the configuration says; an
    // older layout may still have them in the data directory: either holds nodes to orphan.
    Path inData = dataDir.resolve("nodes");
    Path nodesDir = config.isolation().nodesDir().orElse(inData);
    long nodes = entries(nodesDir) + (nodesDir.equals(inData) ? 0 : entries(inData));
    long packages = entries(dataDir.resolve("packages"));
    if (nodes + packages > 0) {
      throw new EmptyDatabaseException(
          "the database is empty but there are "
              + nodes
              + " node(s) and "
              + packages
              + " package(s) (in "
              + nodesDir.toAbsolutePath()
              + " and "
              + dataDir.resolve("packages").toAbsolutePath()
              + "): refusing to start afresh and orphan them (restore the database, or move them"
              + " away)");
    }
  }

  private static long entries(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  public OperatorConfig config() {
    return config;
  }

  /**
   * The domain a routed app's deployment config names (its stable name or its id's), which its
   * enclave's RA-TLS claims carry; {@code <id>.<apps domain>} for an app not routed.
   */
  public String appDomain(java.util.UUID appId) {
    return routes.domainOf(appId).orElse(appId + "." + config.appsDomain());
  }

  /** The proxy's routes (from memory, rebuilt on every status change). */
  public RouteTable routes() {
    return routes;
  }

  /** Where the proxy reports traffic. */
  public ProxyMetrics traffic() {
    return traffic;
  }

  /** Accounts (create one for a demo: {@code accounts().createAccount(email, password)}). */
  public AccountService accounts() {
    return accounts;
  }

  public ProjectService projects() {
    return projects;
  }

  public AppService apps() {
    return apps;
  }

  public Database database() {
    return db;
  }

  /** The API's base URI. */
  public URI apiUri() {
    return api.uri();
  }

  public int apiPort() {
    return api.port();
  }

  /**
   * Stops the API and the expiry task and closes the provider (nodes keep running) and database.
   */
  @Override
  public void close() throws Exception {
    // first: another instance takes over while this one closes
    cluster.ifPresent(ClusterMember::close);
    expiry.shutdownNow();
    traffic.flush();
    admin.ifPresent(AdminChannel::close);
    try {
      api.close();
    } finally {
      try {
        nodes.close();
      } finally {
        db.close();
      }
    }
  }
}
