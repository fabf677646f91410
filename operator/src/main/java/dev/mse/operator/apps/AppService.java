package dev.mse.operator.apps;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.account.ProjectService;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.node.NodeMetrics;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.node.NodeSpec;
import dev.mse.operator.node.NodeState;
import dev.mse.operator.node.SharedUserPolicy;
import dev.mse.operator.node.runtime.RuntimeMemory;
import dev.mse.operator.store.AccountTable;
import dev.mse.operator.store.AppEventTable;
import dev.mse.operator.store.AppLogTable;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import dev.mse.operator.store.AppTable;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.HardwareOffer;
import dev.mse.operator.store.HardwareTable;
import dev.mse.operator.store.MetricSampleTable;
import dev.mse.operator.store.NodeAddressTable;
import dev.mse.operator.store.NodeMetricsTable;
import dev.mse.operator.store.Project;
import dev.mse.operator.store.ProjectTable;
import dev.mse.operator.store.Quota;
import dev.mse.operator.store.StoreException;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.deploy.DeploymentConfigException;
import dev.mse.protocol.text.UntrustedText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps of all projects: deploy, list, status, stop, logs, metrics, and the life cycle the nodes
 * report. Every check of a deployment runs before anything is written; the row and the package file
 * appear together or not at all.
 */
public final class AppService {
  /** The tail of a node's output the API returns and the store keeps. */
  public static final int LOG_BYTES = 64 * 1024;

  /** How long the output of a stopped app is kept. */
  public static final Duration LOG_RETENTION = Duration.ofDays(4);

  /** How often the live apps' counters are recorded for the console's charts. */
  public static final Duration METRICS_SAMPLE_PERIOD = Duration.ofSeconds(10);

  /**
   * How long those samples are kept: the charts read the last hour ({@code MetricsHistory.WINDOW})
   * and nothing reads older ones. At 10,000 live apps an hour is 3.6 million rows; the 24 hours
   * kept before were 86 million, written and purged every day for nothing.
   */
  public static final Duration METRICS_RETENTION = Duration.ofMinutes(65);

  private static final Logger LOG = LoggerFactory.getLogger(AppService.class);
  private static final String PACKAGE_SUFFIX = ".tar";

  /** The TEEs whose loopback stays inside them: a confidential VM, and the simulation. */
  private static final java.util.Set<String> LOOPBACK_IN_TEE =
      java.util.Set.of("tsm", "simulation");

  private final Database db;
  private final OperatorConfig config;
  private final ProjectService projects;
  private final NodeProvider nodes;
  private final AppRouteTable routes;
  // one refresh at a time (see refreshRoutes); its own lock, not the service's monitor
  private final Object routesLock = new Object();
  private final AppTraffic traffic;
  private final Clock clock;
  private final Path packages;
  private final Path uploads;
  private final CustomDomainCheck customDomains;
  private volatile Coordination coordination = Coordination.ALONE;

  /** The nodes this instance started or re-attached to as the leader of several instances. */
  private final java.util.Set<UUID> attached = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** What this leader last published of each node's counters ({@link #publishNodeMetrics}). */
  private final Map<UUID, NodeMetrics> published = new java.util.concurrent.ConcurrentHashMap<>();

  public AppService(
      Database db,
      OperatorConfig config,
      ProjectService projects,
      NodeProvider nodes,
      NodeEvents events,
      AppRouteTable routes,
      AppTraffic traffic,
      Clock clock) {
    this.db = db;
    this.config = config;
    this.projects = projects;
    this.nodes = nodes;
    this.routes = routes;
    this.traffic = traffic;
    this.clock = clock;
    // absolute: node providers may run the runtime from another working directory
    this.packages = config.dataDir().toAbsolutePath().resolve("packages");
    this.uploads = config.dataDir().toAbsolutePath().resolve("uploads");
    this.customDomains = CustomDomainCheck.load(config.domainTrustAnchors());
    try {
      Files.createDirectories(packages);
      Files.createDirectories(uploads);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + packages, e);
    }
    events.attach(this);
  }

  /**
   * Makes this service one of several instances on one database (before it serves anything): from
   * then on nodes are started, stopped and watched by the leader only ({@link #adoptNodes}).
   */
  public void coordinateWith(Coordination value) {
    this.coordination = value;
  }

  /** Where uploads are streamed before they are checked (same file system as the packages). */
  public Path uploadDirectory() {
    return uploads;
  }

  /** Where the packages of apps are kept, one {@code <app id>.tar} each. */
  Path packageDirectory() {
    return packages;
  }

  private Path packageFile(UUID appId) {
    return packages.resolve(appId + PACKAGE_SUFFIX);
  }

  /** The app a file of the package directory belongs to, if its name is that of a package. */
  static Optional<UUID> packageOwner(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(PACKAGE_SUFFIX)) {
      return Optional.empty();
    }
    String id = name.substring(0, name.length() - PACKAGE_SUFFIX.length());
    try {
      UUID uuid = UUID.fromString(id);
      return uuid.toString().equals(id) ? Optional.of(uuid) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Deploys an app. On success the package is at {@code <data>/packages/<id>.tar}, the app is
   * {@code spawning} and its node is starting; on any failure nothing was written.
   */
  public AppRecord deploy(UUID accountId, DeployRequest request) throws OperatorException {
    DeploymentConfig deployment;
    byte[] configBytes = request.deploymentConfig();
    try {
      deployment = DeploymentConfig.parse(configBytes);
    } catch (DeploymentConfigException e) {
      throw OperatorException.badRequest("invalid_deployment_config", sentence(e.getMessage()));
    }
    if (SharedUserPolicy.singleTenant(config) && db.read(AccountTable::count) > 1) {
      LOG.warn(SharedUserPolicy.MESSAGE);
      throw SharedUserPolicy.refused();
    }
    Project project = projects.resolve(accountId, request.project());
    HardwareOffer hardware =
        db.read(c -> HardwareTable.byName(c, request.hardware()))
            .orElseThrow(
                () ->
                    OperatorException.badRequest(
                        "unknown_hardware",
                        "There is no hardware offer named "
                            + UntrustedText.excerpt(request.hardware())
                            + "."));
    checkTee(deployment);
    checkFits(request.packageFile(), hardware);
    checkPackage(request.packageFile(), deployment);
    String domain = deployment.domain().toLowerCase(Locale.ROOT);
    checkDomain(deployment, domain, project.id());
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    checkExpiry(deployment, now);

    UUID id = deployment.appId();
    Path target = packageFile(id);
    AppRecord app =
        new AppRecord(
            id,
            deployment.appName(),
            project.id(),
            hardware.name(),
            AppStatus.SPAWNING,
            deployment.sslOrigin(),
            domain,
            configBytes,
            deployment.packageSha256().hex(),
            target,
            deployment.javaApplication(),
            deployment.healthcheckEndpoint(),
            now,
            Optional.empty(),
            Optional.empty(),
            deployment.expires(),
            Optional.empty());
    AtomicBoolean moved = new AtomicBoolean();
    try {
      db.inTransaction(
          c -> {
            if (AppTable.idExists(c, id)) {
              throw OperatorException.conflict(
                  "app_exists", "An app with id " + id + " already exists.");
            }
            Optional<UUID> holder = AppTable.liveHolderOf(c, domain);
            if (holder.isPresent()) {
              throw OperatorException.conflict(
                  "domain_taken", "The domain " + domain + " is used by another running app.");
            }
            HardwareTable.lockAll(c);
            checkOperatorCapacity(c);
            Quota quota =
                ProjectTable.lockQuota(c, project.id(), hardware.name())
                    .orElse(new Quota(hardware.name(), 0, 0));
            if (quota.used() >= quota.maxApps()) {
              throw OperatorException.conflict(
                  "quota_exceeded",
                  "Project '"
                      + project.name()
                      + "' has no '"
                      + hardware.name()
                      + "' capacity left ("
                      + quota.used()
                      + " of "
                      + quota.maxApps()
                      + " in use).");
            }
            checkAccountQuota(c, accountId, hardware.name());
            AppTable.insert(c, app);
            AppTable.claimDomain(c, app);
            // last step before commit: a failed move rolls the row back. The package is on disk
            // before the row commits: a confirmed app never lacks its package.
            try {
              force(request.packageFile());
              Files.move(request.packageFile(), target, StandardCopyOption.ATOMIC_MOVE);
              force(packages);
            } catch (IOException e) {
              throw new UncheckedIOException("cannot store the package", e);
            }
            moved.set(true);
            return null;
          });
    } catch (OperatorException | RuntimeException e) {
      if (moved.get()) {
        deleteQuietly(target);
      }
      if (e instanceof StoreException s && s.isUniqueViolation()) {
        // a concurrent deployment won the id or the domain between our checks and our insert
        if (db.read(c -> AppTable.idExists(c, id))) {
          throw OperatorException.conflict(
              "app_exists", "An app with id " + id + " already exists.");
        }
        throw OperatorException.conflict(
            "domain_taken", "The domain " + domain + " is used by another running app.");
      }
      throw e;
    }
    LOG.info("app {} ({}) deployed in project {}", id, app.name(), project.id());
    if (coordination.shared()) {
      // the leader starts its node: one path, whichever instance took the deployment
      coordination.changed(id);
      return db.read(c -> AppTable.byId(c, id)).orElse(app);
    }
    try {
      nodes.start(spec(app, hardware));
    } catch (RuntimeException e) {
      LOG.warn("app {}: the node did not start: {}", id, e.getMessage());
      nodeStateChanged(id, NodeState.FAILED, Optional.of("the node could not be started"));
    }
    return db.read(c -> AppTable.byId(c, id)).orElse(app);
  }

  /** The operator-wide cap; the caller holds the lock of {@link HardwareTable#lockAll}. */
  private void checkOperatorCapacity(Connection c) throws OperatorException {
    int live = AppTable.countLive(c);
    if (live >= config.limits().liveApps()) {
      throw OperatorException.conflict(
          "operator_full",
          "This operator runs as many apps as it allows ("
              + live
              + "); try again later or ask its administrator.");
    }
  }

  /**
   * The account's quota, all its projects together: a project's own quota alone would let an
   * account multiply its capacity by creating projects. The caller holds the lock of {@link
   * HardwareTable#lockAll}.
   */
  private void checkAccountQuota(Connection c, UUID accountId, String hardware)
      throws OperatorException {
    int quota =
        config.hardware().stream()
            .filter(o -> o.offer().name().equals(hardware))
            .mapToInt(OperatorConfig.Offer::defaultQuota)
            .findFirst()
            .orElse(0);
    int used = AppTable.countLiveOfMember(c, accountId, hardware);
    if (used >= quota) {
      throw OperatorException.conflict(
          "quota_exceeded",
          "Your account has no '"
              + hardware
              + "' capacity left ("
              + used
              + " of "
              + quota
              + " in use across your projects).");
    }
  }

  /**
   * {@code tls = "runtime"} hands the app's plaintext to it over loopback, which stays inside the
   * TEE only in a confidential VM ({@code tsm}) or the simulation: under SGX loopback is the
   * host's. Any other TEE is refused too (fail closed).
   */
  private void checkTee(DeploymentConfig deployment) throws OperatorException {
    String tee = nodes.tee();
    if (deployment.tls() == AppTls.RUNTIME && !LOOPBACK_IN_TEE.contains(tee)) {
      throw OperatorException.badRequest(
          "tls_runtime_needs_confidential_vm",
          "tls = \"runtime\" needs a confidential VM: under "
              + tee
              + " the plain HTTP between the runtime and the app would leave the enclave; serve"
              + " TLS in the app (tls = \"app\").");
    }
  }

  /**
   * The app's files live decrypted on tmpfs inside the enclave, in the share of the enclave {@link
   * RuntimeMemory} gives them: a package larger than that cannot run on the offer.
   */
  private static void checkFits(Path file, HardwareOffer hardware) throws OperatorException {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the uploaded package", e);
    }
    RuntimeMemory memory = RuntimeMemory.of(hardware.enclaveSizeMb());
    if (size > memory.maxPackageBytes()) {
      throw OperatorException.badRequest(
          "package_too_large_for_offer",
          "The package ("
              + mebibytes(size)
              + " MB) does not fit the '"
              + hardware.name()
              + "' offer: an app's files may take "
              + memory.filesMb()
              + " MB of its "
              + hardware.enclaveSizeMb()
              + " MB enclave; choose a larger offer.");
    }
  }

  private static long mebibytes(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  private void checkPackage(Path file, DeploymentConfig deployment) throws OperatorException {
    try {
      long size = Files.size(file);
      if (size > config.maxPackageBytes()) {
        throw new OperatorException(
            OperatorException.Kind.TOO_LARGE,
            "package_too_large",
            "The package is larger than the " + config.maxPackageBytes() + " bytes allowed.");
      }
      ByteString digest = PackageFile.sha256(file);
      if (!digest.equals(deployment.packageSha256())) {
        throw OperatorException.badRequest(
            "package_mismatch",
            "The package's SHA-256 is not the package_sha256 of the deployment config.");
      }
      PackageFile.checkStructure(file, config.maxPackageBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the uploaded package", e);
    }
  }

  private void checkDomain(DeploymentConfig deployment, String domain, UUID projectId)
      throws OperatorException {
    SslOrigin origin = deployment.sslOrigin();
    // the app's stable name in its project (AppDomains), or its id's name
    String ours = AppDomains.stable(projectId, deployment.appName(), config.appsDomain());
    if (domain.equals(ours) || domain.equals(deployment.appId() + "." + config.appsDomain())) {
      return;
    }
    if (origin != SslOrigin.OWNER) {
      throw OperatorException.badRequest(
          "invalid_domain",
          "With ssl_origin " + origin.wireName() + " the domain must be " + ours + ".");
    }
    if (domain.equals(config.appsDomain()) || domain.endsWith("." + config.appsDomain())) {
      throw OperatorException.badRequest(
          "invalid_domain",
          "A custom domain cannot be under "
              + config.appsDomain()
              + "; use "
              + ours
              + " or your own domain.");
    }
    // owner mode always carries a chain (DeploymentConfig checks); without one nothing is proven
    customDomains.check(domain, deployment.ownerCertificateChain().orElse(""), clock.instant());
  }

  private void checkExpiry(DeploymentConfig deployment, Instant now) throws OperatorException {
    Instant expires = deployment.expires();
    if (!expires.isAfter(now)) {
      throw OperatorException.badRequest(
          "invalid_expiry", "The expiration date " + iso(expires) + " is in the past.");
    }
    if (expires.isAfter(now.plus(config.maxLifetime()))) {
      throw OperatorException.badRequest(
          "invalid_expiry",
          "The expiration date "
              + iso(expires)
              + " is more than "
              + config.maxLifetime().toDays()
              + " days away, the longest this operator allows.");
    }
    if (deployment.ownerCertificateChain().isPresent()) {
      X509Certificate leaf;
      try {
        leaf =
            X509Codec.certificates(
                    deployment.ownerCertificateChain().get().getBytes(StandardCharsets.US_ASCII))
                .getFirst();
      } catch (CertificateException | RuntimeException e) {
        throw OperatorException.badRequest(
            "invalid_deployment_config", "The owner certificate chain cannot be read.");
      }
      Instant notAfter = leaf.getNotAfter().toInstant();
      if (expires.isAfter(notAfter)) {
        throw OperatorException.badRequest(
            "invalid_expiry",
            "The expiration date "
                + iso(expires)
                + " is after the owner certificate expires ("
                + iso(notAfter)
                + ").");
      }
    }
  }

  /**
   * One of the caller's apps. A client that reads the app's new state here may go straight to the
   * proxy, and the routes follow the database a moment later: with several instances, by the
   * leader's notification; with one, right after the node's state is written (a loaded machine can
   * hold the writing thread between the two, as a CI run saw: "initializing" read here, then
   * unrecognized_name at the enclave name 0.1 s later). So an app that should be routed but is not
   * yet is brought up to date before its state is answered (one row read, only while the route is
   * missing).
   */
  public AppRecord get(UUID accountId, UUID appId) throws OperatorException {
    AppRecord app =
        db.read(c -> AppTable.byIdForMember(c, accountId, appId))
            .orElseThrow(AppService::appNotFound);
    if (AppRouteTable.serving(app) && routes.domainOf(appId).isEmpty()) {
      refreshRoute(appId);
    }
    return app;
  }

  /** The caller's apps, filtered, newest first, one page at a time. */
  public AppPage list(UUID accountId, AppQuery query) throws OperatorException {
    if (query.limit() < 1 || query.limit() > AppQuery.MAX_LIMIT) {
      throw OperatorException.badRequest(
          "invalid_limit", "limit must be between 1 and " + AppQuery.MAX_LIMIT + ".");
    }
    Optional<AppTable.Position> after = Optional.empty();
    if (query.cursor().isPresent()) {
      after = Optional.of(decodeCursor(query.cursor().get()));
    }
    Optional<AppTable.Position> from = after;
    List<AppRecord> rows =
        db.read(
            c ->
                AppTable.list(
                    c,
                    visibleProjects(c, accountId, query.project()),
                    query.name(),
                    query.statuses(),
                    from,
                    query.limit() + 1));
    if (rows.isEmpty() && query.project().isPresent()) {
      // nothing listed: say so if the project itself is not the caller's
      projects.resolve(accountId, query.project().get());
    }
    if (rows.size() <= query.limit()) {
      return new AppPage(rows, Optional.empty());
    }
    List<AppRecord> page = rows.subList(0, query.limit());
    AppRecord last = page.getLast();
    return new AppPage(page, Optional.of(encodeCursor(last)));
  }

  /**
   * The ids of the projects a listing covers: the one named (by id, or every project of the account
   * with that name), else all of the account's. Resolved before the apps are read, so that their
   * query is on project ids alone (see {@link AppTable#list}).
   */
  private static List<UUID> visibleProjects(
      Connection c, UUID accountId, Optional<String> project) {
    List<Project> found;
    if (project.isEmpty()) {
      found = ProjectTable.ofMember(c, accountId);
    } else {
      Optional<UUID> id = ProjectService.parseUuid(project.get());
      found =
          id.isPresent()
              ? ProjectTable.byId(c, accountId, id.get()).stream().toList()
              : ProjectTable.byName(c, accountId, project.get());
    }
    return found.stream().map(Project::id).toList();
  }

  /**
   * Stops one of the caller's apps, whatever its state: a live app's node stops; what a failed app
   * left (node, secrets, package) is removed and it becomes {@code stopped}, its failure kept.
   */
  public AppRecord stop(UUID accountId, UUID appId) throws OperatorException {
    AppRecord app = get(accountId, appId);
    if (app.status().isLive()) {
      stopNode(app.id(), false);
    } else if (app.status() == AppStatus.ON_ERROR) {
      if (coordination.runsNodes()) {
        cleanUpNode(app.id());
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      db.inTransaction(c -> AppTable.markFailedStopped(c, appId, now));
    }
    return get(accountId, appId);
  }

  /** Removes what an ended app's node left, and its package (the saved log stays). */
  private void cleanUpNode(UUID appId) {
    try {
      nodes.stop(appId);
    } catch (RuntimeException e) {
      LOG.warn("app {}: cleaning up the node failed: {}", appId, e.getMessage());
    }
    deleteQuietly(packages.resolve(appId + ".tar"));
  }

  /** The last 64 KiB of the app's output. */
  public String logs(UUID accountId, UUID appId) throws OperatorException {
    AppRecord app = get(accountId, appId);
    if (app.status().isLive()) {
      return nodes.logTail(appId, LOG_BYTES);
    }
    Instant now = clock.instant();
    if (app.stoppedAt().map(t -> t.plus(LOG_RETENTION).isBefore(now)).orElse(false)) {
      throw new OperatorException(
          OperatorException.Kind.GONE,
          "logs_expired",
          "The logs of this app were deleted: they are kept 4 days after it stops.");
    }
    Optional<AppLogTable.SavedLog> saved = db.read(c -> AppLogTable.byApp(c, appId));
    return saved.map(AppLogTable.SavedLog::text).orElseGet(() -> nodes.logTail(appId, LOG_BYTES));
  }

  public AppMetrics metrics(UUID accountId, UUID appId) throws OperatorException {
    return metricsOf(get(accountId, appId));
  }

  /** Every live app's counters now, by app id (the web console records them over time). */
  public java.util.Map<UUID, AppMetrics> liveMetrics() {
    java.util.Map<UUID, AppMetrics> all = new java.util.LinkedHashMap<>();
    // another instance runs the nodes: what it published, in one read for all the apps
    Optional<Map<UUID, NodeMetrics>> published =
        nodesElsewhere() ? Optional.of(db.read(NodeMetricsTable::live)) : Optional.empty();
    for (AppRecord app : db.read(AppTable::live)) {
      NodeMetrics node =
          published
              .map(p -> p.getOrDefault(app.id(), NodeMetrics.NONE))
              .orElseGet(() -> nodes.metrics(app.id()));
      all.put(app.id(), metricsOf(app.id(), node));
    }
    return all;
  }

  /**
   * Records every live app's counters now, for the console's charts: by the instance that runs the
   * nodes only (one of several: the leader, fenced), so there is one series per app whichever
   * instance draws it. Run every {@link #METRICS_SAMPLE_PERIOD}.
   */
  public void recordMetricSamples() {
    if (!coordination.runsNodes()) {
      return;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Map<UUID, MetricSampleTable.Sample> samples = new java.util.LinkedHashMap<>();
    liveMetrics().forEach((id, m) -> samples.put(id, sample(now, m)));
    if (samples.isEmpty()) {
      return;
    }
    if (coordination.shared()) {
      db.inTransaction(
          c -> {
            coordination.fence(c);
            MetricSampleTable.record(c, samples);
            return null;
          });
    } else {
      // nobody waits on a sample: written at once, not forced to the device
      db.read(
          c -> {
            MetricSampleTable.record(c, samples);
            return null;
          });
    }
  }

  /** An app's counters as a chart sample taken at {@code at}. */
  public static MetricSampleTable.Sample sample(Instant at, AppMetrics m) {
    return new MetricSampleTable.Sample(
        at,
        m.requests(),
        m.averageLatencyMs(),
        m.activeConnections(),
        m.bytesIn(),
        m.bytesOut(),
        m.cpuSeconds());
  }

  /**
   * The newest {@code limit} recorded samples of an app taken since {@code since}, oldest first.
   */
  public List<MetricSampleTable.Sample> metricSamples(UUID appId, Instant since, int limit) {
    return db.read(c -> MetricSampleTable.of(c, appId, since, limit));
  }

  /** The app's status history, oldest first: its newest {@code limit} changes. */
  public List<AppEventTable.Event> history(AppRecord app, int limit) {
    return db.read(c -> AppEventTable.of(c, app.id(), limit));
  }

  /** Where the node of a live app listens (the web console asks its enclave for evidence). */
  public Optional<dev.mse.operator.node.NodeAddress> nodeAddress(AppRecord app) {
    if (!app.status().isLive()) {
      return Optional.empty();
    }
    return nodesElsewhere()
        ? db.read(c -> NodeAddressTable.serving(c, app.id()))
        : nodes.address(app.id());
  }

  /** One of several instances, and not the leader: the nodes run under another instance. */
  private boolean nodesElsewhere() {
    return coordination.shared() && !coordination.runsNodes();
  }

  /**
   * The leader of several instances publishes its nodes' counters for the others (those that
   * changed since it last did, in one fenced transaction); run periodically.
   */
  public void publishNodeMetrics() {
    if (!coordination.shared() || !coordination.runsNodes()) {
      return;
    }
    Map<UUID, NodeMetrics> changed = new java.util.HashMap<>();
    for (UUID id : attached) {
      NodeMetrics now = nodes.metrics(id);
      if (!now.equals(published.get(id))) {
        changed.put(id, now);
      }
    }
    published.keySet().retainAll(attached);
    if (changed.isEmpty()) {
      return;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    db.inTransaction(
        c -> {
          coordination.fence(c);
          for (Map.Entry<UUID, NodeMetrics> e : changed.entrySet()) {
            if (AppTable.idExists(c, e.getKey())) {
              NodeMetricsTable.put(c, e.getKey(), e.getValue(), now);
            }
          }
          return null;
        });
    published.putAll(changed);
  }

  /**
   * The TEE the operator's nodes run in ({@code simulation}, {@code gramine-sgx} or {@code tsm}).
   */
  public String tee() {
    return nodes.tee();
  }

  private AppMetrics metricsOf(AppRecord app) {
    UUID appId = app.id();
    NodeMetrics node = NodeMetrics.NONE;
    if (app.status().isLive()) {
      node =
          nodesElsewhere()
              ? db.read(c -> NodeMetricsTable.byApp(c, appId)).orElse(NodeMetrics.NONE)
              : nodes.metrics(appId);
    }
    return metricsOf(appId, node);
  }

  private AppMetrics metricsOf(UUID appId, NodeMetrics node) {
    AppTraffic.Snapshot proxy = traffic.snapshot(appId);
    return new AppMetrics(
        node.requests(),
        node.averageLatencyMillis(),
        Math.max(node.activeConnections(), proxy.activeConnections()),
        proxy.connections(),
        proxy.bytesIn(),
        proxy.bytesOut(),
        node.cpuSeconds(),
        node.heapMaxBytes(),
        node.directMaxBytes());
  }

  /**
   * Stops the node, saves its output and marks the app stopped. An instance that does not run the
   * nodes only marks it: the leader stops the node when it learns of it ({@link #adoptNodes}).
   *
   * @param leaderOnly the lease's work (expiry), fenced
   */
  private void stopNode(UUID appId, boolean leaderOnly) {
    if (coordination.runsNodes()) {
      try {
        nodes.stop(appId);
      } catch (RuntimeException e) {
        LOG.warn("app {}: stopping the node failed: {}", appId, e.getMessage());
      }
      // still attached: adoptNodes forgets it once the row says stopped, never resumes it before
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String tail = safeLogTail(appId);
    db.inTransaction(
        c -> {
          if (leaderOnly) {
            coordination.fence(c);
          }
          AppTable.markStopped(c, appId, now, leaderOnly ? "expired" : "stopped by its owner");
          AppLogTable.save(c, appId, tail, now);
          return null;
        });
    deletePackage(appId);
    refreshRoute(appId);
    coordination.changed(appId);
  }

  /** Status updates from the node provider. */
  void nodeStateChanged(UUID appId, NodeState state, Optional<String> failure) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    try {
      switch (state) {
        case SPAWNING ->
            // a live app's node starting again after its runtime died (its first start is in
            // the history as deployed)
            leaderWrite(
                c ->
                    AppEventTable.recordRestart(
                        c, appId, now, "the runtime stopped; the node restarts"));
        case WAITING ->
            leaderWrite(
                c -> {
                  recordAddress(c, appId);
                  return AppTable.markInitializing(c, appId, now);
                });
        case RUNNING ->
            leaderWrite(
                c -> {
                  recordAddress(c, appId);
                  return AppTable.markRunning(c, appId, now);
                });
        case FAILED -> {
          String why = failure.orElse("the node failed");
          String tail = safeLogTail(appId);
          db.inTransaction(
              c -> {
                coordination.fence(c);
                if (AppTable.markFailed(c, appId, truncate(why, 4000), now)) {
                  AppLogTable.save(c, appId, tail, now);
                }
                return null;
              });
          // a failed app never runs again: its package goes (the node removed its own files)
          deletePackage(appId);
        }
        case STOPPED -> {
          String tail = safeLogTail(appId);
          db.inTransaction(
              c -> {
                coordination.fence(c);
                if (AppTable.markStopped(c, appId, now, "its node stopped")) {
                  AppLogTable.save(c, appId, tail, now);
                }
                return null;
              });
        }
      }
      LOG.info("app {}: node {}", appId, state);
    } catch (RuntimeException e) {
      LOG.warn("app {}: cannot record node state {}: {}", appId, state, e.getMessage());
    }
    refreshRoute(appId);
    coordination.changed(appId);
  }

  /**
   * A write of the node's life cycle: alone, as it always was (auto-commit); one of several, in a
   * transaction fenced by the lease.
   */
  private <T> T leaderWrite(Database.Work<T, RuntimeException> work) {
    if (!coordination.shared()) {
      return db.read(work);
    }
    return db.inTransaction(
        c -> {
          coordination.fence(c);
          return work.run(c);
        });
  }

  /** Where the node listens, for the proxies of the other instances. */
  private void recordAddress(Connection c, UUID appId) {
    if (coordination.shared()) {
      nodes.address(appId).ifPresent(a -> NodeAddressTable.put(c, appId, a));
    }
  }

  /** After an operator restart: every live app's node is resumed. */
  public void resumeAll() {
    List<AppRecord> live = db.read(AppTable::live);
    for (AppRecord app : live) {
      resume(app);
    }
    refreshRoutes();
  }

  private void resume(AppRecord app) {
    Optional<HardwareOffer> hw = db.read(c -> HardwareTable.byName(c, app.hardware()));
    if (hw.isEmpty() || !Files.isRegularFile(app.packagePath())) {
      nodeStateChanged(
          app.id(), NodeState.FAILED, Optional.of("the package or hardware offer is gone"));
      return;
    }
    try {
      nodes.resume(spec(app, hw.get()));
    } catch (RuntimeException e) {
      LOG.warn("app {}: resume failed: {}", app.id(), e.getMessage());
      nodeStateChanged(app.id(), NodeState.FAILED, Optional.of("the node could not be resumed"));
    }
  }

  /**
   * The leader of several instances makes its nodes follow the database: it starts (or re-attaches
   * to) the node of every live app it does not watch yet, whichever instance took its deployment,
   * and stops the nodes of apps stopped through another instance. Run on election, on every change
   * another instance announces, and periodically.
   */
  public synchronized void adoptNodes() {
    List<AppRecord> live = db.read(AppTable::live);
    java.util.Set<UUID> liveIds = new java.util.HashSet<>();
    for (AppRecord app : live) {
      liveIds.add(app.id());
      follow(app);
    }
    for (UUID id : List.copyOf(attached)) {
      if (!liveIds.contains(id)) {
        release(id);
      }
    }
  }

  /** {@link #adoptNodes} for one app that changed: its row alone is read. */
  public synchronized void adoptNode(UUID appId) {
    Optional<AppRecord> app = db.read(c -> AppTable.byId(c, appId));
    if (app.isPresent() && app.get().status().isLive()) {
      follow(app.get());
    } else if (attached.contains(appId)) {
      release(appId);
    }
  }

  private void follow(AppRecord app) {
    if (attached.add(app.id())) {
      LOG.info("app {}: the leader takes its node", app.id());
      resume(app);
    }
  }

  private void release(UUID id) {
    attached.remove(id);
    LOG.info("app {} ended through another instance: stopping its node", id);
    try {
      nodes.stop(id);
    } catch (RuntimeException e) {
      LOG.warn("app {}: stopping the node failed: {}", id, e.getMessage());
    }
    db.read(c -> AppTable.byId(c, id)).ifPresent(a -> deleteQuietly(a.packagePath()));
  }

  /** The leader lost its lease: its provider let go of the nodes, which the next leader adopts. */
  public void releaseNodes() {
    attached.clear();
    published.clear();
  }

  /** Stops apps whose time is up and forgets old logs and chart samples; run periodically. */
  public void enforceExpiry() {
    Instant now = clock.instant();
    for (AppRecord app : db.read(c -> AppTable.expired(c, now))) {
      LOG.info("app {} expired at {}", app.id(), app.expiresAt());
      stopNode(app.id(), true);
    }
    db.read(c -> AppLogTable.purge(c, now.minus(LOG_RETENTION)));
    nodes.purgeEnded(now.minus(LOG_RETENTION));
    db.read(c -> MetricSampleTable.purge(c, now.minus(METRICS_RETENTION)));
  }

  /**
   * Rebuilds the proxy's routes from all the live apps: on start, and when changes may have been
   * missed. Serialized with {@link #refreshRoute}: two refreshes running together could otherwise
   * finish out of order, the later one installing what it read before the other's app was committed
   * (that app unroutable until the next change: the SNI proxy answered unrecognized_name to a
   * client that had just seen it initializing). Each refresh reads the database only once it holds
   * the lock, so what it installs is never older than what the one before it installed.
   */
  public void refreshRoutes() {
    synchronized (routesLock) {
      try {
        if (coordination.shared()) {
          // the nodes are the leader's: every instance routes to where it recorded them
          Map<UUID, NodeAddress> recorded = db.read(NodeAddressTable::serving);
          routes.rebuild(db.read(AppTable::live), id -> Optional.ofNullable(recorded.get(id)));
        } else {
          routes.rebuild(db.read(AppTable::live), nodes::address);
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot rebuild routes: {}", e.getMessage());
      }
    }
  }

  /**
   * Brings the routes of one app up to date after its row changed (committed): one row read
   * whatever the number of apps. Serialized with {@link #refreshRoutes} (see there).
   */
  public void refreshRoute(UUID appId) {
    synchronized (routesLock) {
      try {
        Optional<AppRecord> app = db.read(c -> AppTable.byId(c, appId));
        if (coordination.shared()) {
          Optional<NodeAddress> recorded =
              app.isPresent() ? db.read(c -> NodeAddressTable.serving(c, appId)) : Optional.empty();
          routes.update(appId, app, id -> recorded);
        } else {
          routes.update(appId, app, nodes::address);
        }
      } catch (RuntimeException e) {
        LOG.warn("app {}: cannot update its routes: {}", appId, e.getMessage());
      }
    }
  }

  private NodeSpec spec(AppRecord app, HardwareOffer hardware) {
    return new NodeSpec(
        app.id(),
        app.deploymentConfig(),
        app.packagePath(),
        hardware.enclaveSizeMb(),
        hardware.cores(),
        app.expiresAt(),
        Optional.of(app.projectId()),
        Optional.of(hardware.name()));
  }

  private String safeLogTail(UUID appId) {
    try {
      return nodes.logTail(appId, LOG_BYTES);
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String encodeCursor(AppRecord last) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, last.createdAt());
    String raw = micros + ":" + last.id();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  private static AppTable.Position decodeCursor(String cursor) throws OperatorException {
    OperatorException bad =
        OperatorException.badRequest("invalid_cursor", "The cursor is not one this API returned.");
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      int colon = raw.indexOf(':');
      if (colon < 1) {
        throw bad;
      }
      long micros = Long.parseLong(raw.substring(0, colon));
      UUID id = UUID.fromString(raw.substring(colon + 1));
      return new AppTable.Position(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      throw bad;
    }
  }

  /**
   * Removes an ended app's package: from this instance's package directory, and, one of several,
   * from wherever the instance that took the deployment put it (the path in its row).
   */
  private void deletePackage(UUID appId) {
    deleteQuietly(packages.resolve(appId + PACKAGE_SUFFIX));
    if (coordination.shared()) {
      try {
        db.read(c -> AppTable.byId(c, appId)).ifPresent(a -> deleteQuietly(a.packagePath()));
      } catch (RuntimeException e) {
        LOG.warn("app {}: cannot find its package: {}", appId, e.getMessage());
      }
    }
  }

  /** Forces a file's content, or a directory's entries, to the device (fsync). */
  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", file, e.getMessage());
    }
  }

  private static String iso(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String sentence(String message) {
    String m = message == null ? "invalid deployment config" : message;
    String first = m.substring(0, 1).toUpperCase(Locale.ROOT) + m.substring(1);
    return first.endsWith(".") ? first : first + ".";
  }

  static OperatorException appNotFound() {
    return OperatorException.notFound("app_not_found", "No app with this id.");
  }
}
