package dev.mse.operator.console;

import dev.mse.operator.apps.AppMetrics;
import dev.mse.operator.apps.AppService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator keeps only counters (the node's since it started, the proxy's since the operator
 * started), so the console records them every {@code period} for every live app, at most {@link
 * #MAX_SAMPLES} each (an hour at the default period), in memory: the charts show the last hour
 * since the operator started. An app's samples go when it stops being live.
 */
final class MetricsHistory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsHistory.class);

  static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
  static final int MAX_SAMPLES = 360;

  /** The counters of an app at one moment. */
  record Sample(Instant at, AppMetrics metrics) {}

  /**
   * One point of the charts: rates over the interval that ends at {@code at} (counters that went
   * back, a restarted node, count as zero).
   */
  record Point(
      String at,
      double requestsPerSecond,
      double latencyMs,
      long connections,
      double bytesInPerSecond,
      double bytesOutPerSecond,
      double cpuPercent) {}

  private final AppService apps;
  private final Clock clock;
  private final Map<UUID, Deque<Sample>> samples = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  MetricsHistory(AppService apps, Clock clock, Duration period) {
    this.apps = apps;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("console-metrics").daemon().unstarted(r));
    timer.scheduleWithFixedDelay(this::sampleQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      LOG.warn("recording app metrics failed: {}", e.getMessage());
    }
  }

  /** Records every live app's counters now. */
  void sample() {
    Instant now = clock.instant();
    Map<UUID, AppMetrics> live = apps.liveMetrics();
    samples.keySet().retainAll(live.keySet());
    live.forEach((id, m) -> add(samples.computeIfAbsent(id, k -> new ArrayDeque<>()), now, m));
  }

  private static void add(Deque<Sample> deque, Instant at, AppMetrics m) {
    synchronized (deque) {
      deque.addLast(new Sample(at, m));
      while (deque.size() > MAX_SAMPLES) {
        deque.removeFirst();
      }
    }
  }

  /** The recorded samples of an app, oldest first, then {@code current} taken now. */
  List<Point> points(UUID appId, AppMetrics current) {
    List<Sample> all = new ArrayList<>();
    Deque<Sample> deque = samples.get(appId);
    if (deque != null) {
      synchronized (deque) {
        all.addAll(deque);
      }
    }
    Instant now = clock.instant();
    if (all.isEmpty() || all.getLast().at().plusSeconds(1).isBefore(now)) {
      all.add(new Sample(now, current));
    }
    return points(all);
  }

  static List<Point> points(List<Sample> all) {
    List<Point> points = new ArrayList<>();
    for (int i = 1; i < all.size(); i++) {
      Sample a = all.get(i - 1);
      Sample b = all.get(i);
      double seconds = Math.max(0.001, Duration.between(a.at(), b.at()).toMillis() / 1000.0);
      AppMetrics x = a.metrics();
      AppMetrics y = b.metrics();
      points.add(
          new Point(
              ConsoleFormat.time(b.at()),
              rate(x.requests(), y.requests(), seconds),
              y.averageLatencyMs(),
              y.activeConnections(),
              rate(x.bytesIn(), y.bytesIn(), seconds),
              rate(x.bytesOut(), y.bytesOut(), seconds),
              Math.max(0, y.cpuSeconds() - x.cpuSeconds()) / seconds * 100));
    }
    return points;
  }

  private static double rate(long from, long to, double seconds) {
    return to < from ? 0 : (to - from) / seconds;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
