package dev.mse.operator.cluster;

import dev.mse.operator.apps.AppService;
import dev.mse.operator.apps.Coordination;
import dev.mse.operator.apps.StartupReconciliation;
import dev.mse.operator.node.NodeProvider;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator instance among several on one PostgreSQL. Every instance serves the API and the
 * proxy; the one holding the {@link LeaderLease} also runs the background work: the start-up
 * reconciliation of the nodes, starting, watching and stopping nodes (whichever instance took the
 * request), expiry and log purge, publishing the nodes' counters and recording the charts' samples.
 * The lease is polled every {@link #LEASE_POLL}: a leader whose lock connection fails gives up at
 * once (its jobs stop, its provider lets go of the nodes); an instance that finds the lock free
 * takes over. Changes reach every instance by {@code NOTIFY} ({@link RouteFeed}).
 */
public final class ClusterMember implements Coordination, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  /** How often the lease is tried (follower) or checked (leader). */
  public static final Duration LEASE_POLL = Duration.ofSeconds(1);

  /** How often the leader compares its nodes with the database without being told. */
  static final Duration ADOPT_PERIOD = Duration.ofSeconds(5);

  /** How often the leader publishes its nodes' counters for the other instances. */
  static final Duration METRICS_PERIOD = Duration.ofSeconds(5);

  /** The channel of {@code NOTIFY}: apps changed. */
  static final String CHANNEL = "mse_apps";

  private final Database db;
  private final AppService apps;
  private final NodeProvider nodes;
  private final StartupReconciliation reconciliation;
  private final LeaderLease lease;
  private final Duration expiryPeriod;
  private final RouteFeed feed;
  private final Thread leaseThread;
  private volatile boolean running = true;
  private volatile long term = -1;
  private ScheduledExecutorService jobs;

  /**
   * @param jdbcUrl the shared PostgreSQL
   * @param holder this instance's name in the lease row
   */
  public ClusterMember(
      String jdbcUrl,
      String holder,
      Database db,
      AppService apps,
      NodeProvider nodes,
      StartupReconciliation reconciliation,
      Duration expiryPeriod) {
    this.db = db;
    this.apps = apps;
    this.nodes = nodes;
    this.reconciliation = reconciliation;
    this.expiryPeriod = expiryPeriod;
    this.lease = new LeaderLease(jdbcUrl, holder);
    this.feed = new RouteFeed(jdbcUrl, CHANNEL, this::onChange, this::onGap);
    this.leaseThread = Thread.ofPlatform().name("operator-lease").daemon().unstarted(this::poll);
    nodes.leaseWith(this::underLease);
  }

  /**
   * Runs a provider's own action on a node (a crashed pod made again) in a transaction fenced by
   * the lease: not at all unless this instance still holds the epoch it was elected with, and a new
   * leader's election waits until it is done, so the new leader finds what it made.
   */
  private boolean underLease(Runnable action) {
    try {
      db.inTransaction(
          c -> {
            fence(c);
            action.run();
            return null;
          });
      return true;
    } catch (LeaderLease.LostException e) {
      return false;
    }
  }

  /** Starts following the database and competing for the lease. */
  public ClusterMember start() {
    feed.start();
    leaseThread.start();
    return this;
  }

  /** Whether this instance leads now. */
  public boolean leads() {
    return term >= 0;
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public boolean runsNodes() {
    return term >= 0;
  }

  @Override
  public void fence(Connection c) {
    LeaderLease.fence(c, term);
  }

  @Override
  public void changed(UUID appId) {
    try {
      db.read(c -> Jdbc.query(c, "SELECT pg_notify(?, ?)", rs -> 1, CHANNEL, appId.toString()));
    } catch (RuntimeException e) {
      // the others reload periodically anyway
      LOG.warn("cannot notify the other instances: {}", e.getMessage());
    }
  }

  /** Some apps changed ({@link RouteFeed}): their routes, and the leader's nodes, follow. */
  private void onChange(Set<UUID> changed) {
    changed.forEach(apps::refreshRoute);
    leaderJob(() -> changed.forEach(apps::adoptNode));
  }

  /** Changes may have been missed (start, a new connection, the backstop): everything reloads. */
  private void onGap() {
    apps.refreshRoutes();
    leaderJob(apps::adoptNodes);
  }

  private void leaderJob(Runnable job) {
    ScheduledExecutorService j = jobs;
    if (j != null) {
      try {
        j.execute(job);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // demoted meanwhile
      }
    }
  }

  private void poll() {
    while (running) {
      try {
        if (term < 0) {
          OptionalLong won = lease.tryAcquire();
          if (won.isPresent()) {
            elect(won.getAsLong());
          }
        } else if (!lease.check()) {
          demote();
        }
      } catch (SQLException | RuntimeException e) {
        LOG.warn("lease: {}", e.getMessage());
      }
      try {
        Thread.sleep(LEASE_POLL);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void elect(long epoch) {
    term = epoch;
    jobs =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("operator-leader").daemon().unstarted(r));
    jobs.execute(
        () -> {
          try {
            reconciliation.runNodes();
            apps.adoptNodes();
            apps.refreshRoutes();
          } catch (RuntimeException e) {
            LOG.warn("taking over the nodes failed: {}", e.getMessage());
          }
        });
    jobs.scheduleWithFixedDelay(
        () -> guard("expiry check", apps::enforceExpiry),
        expiryPeriod.toMillis(),
        expiryPeriod.toMillis(),
        TimeUnit.MILLISECONDS);
    jobs.scheduleWithFixedDelay(
        () -> guard("publishing node metrics", apps::publishNodeMetrics),
        METRICS_PERIOD.toMillis(),
        METRICS_PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
    jobs.scheduleWithFixedDelay(
        () -> guard("recording the charts' samples", apps::recordMetricSamples),
        AppService.METRICS_SAMPLE_PERIOD.toMillis(),
        AppService.METRICS_SAMPLE_PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
    jobs.scheduleWithFixedDelay(
        () -> guard("adopting nodes", apps::adoptNodes),
        ADOPT_PERIOD.toMillis(),
        ADOPT_PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info("this instance leads (epoch {})", epoch);
  }

  private synchronized void demote() {
    if (term < 0) {
      return;
    }
    LOG.warn("this instance no longer leads (epoch {}): its background work stops", term);
    term = -1;
    jobs.shutdownNow();
    jobs = null;
    // the nodes keep running; the next leader re-attaches to them
    nodes.letGo();
    apps.releaseNodes();
  }

  private static void guard(String what, Runnable job) {
    try {
      job.run();
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", what, e.getMessage());
    }
  }

  /** Stops the background work and gives the lease up for another instance. */
  @Override
  public void close() {
    running = false;
    leaseThread.interrupt();
    try {
      leaseThread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    feed.close();
    synchronized (this) {
      if (jobs != null) {
        jobs.shutdownNow();
        try {
          jobs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      term = -1;
    }
    lease.close();
  }
}
