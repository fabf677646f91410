package dev.mse.operator.console;

import dev.mse.operator.apps.AppMetrics;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.store.MetricSampleTable.Sample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The charts' points of an app: the operator keeps only counters, and the instance that runs the
 * nodes records every live app's counters in the database every {@link
 * AppService#METRICS_SAMPLE_PERIOD} ({@link AppService#recordMetricSamples}); any instance draws
 * the last {@link #WINDOW} of them, at most {@link #MAX_SAMPLES}, from there, so the charts are the
 * same behind one address and survive restarts.
 */
final class MetricsHistory {
  /** How far back the charts reach. */
  static final Duration WINDOW = Duration.ofHours(1);

  /** The most samples one chart reads: the window at the sampling period. */
  static final int MAX_SAMPLES = 360;

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

  MetricsHistory(AppService apps, Clock clock) {
    this.apps = apps;
    this.clock = clock;
  }

  /** The recorded samples of an app's last {@link #WINDOW}, oldest first, then {@code current}. */
  List<Point> points(UUID appId, AppMetrics current) {
    Instant now = clock.instant();
    List<Sample> all = new ArrayList<>(apps.metricSamples(appId, now.minus(WINDOW), MAX_SAMPLES));
    if (all.isEmpty() || all.getLast().at().plusSeconds(1).isBefore(now)) {
      all.add(AppService.sample(now, current));
    }
    return points(all);
  }

  static List<Point> points(List<Sample> all) {
    List<Point> points = new ArrayList<>();
    for (int i = 1; i < all.size(); i++) {
      Sample x = all.get(i - 1);
      Sample y = all.get(i);
      double seconds = Math.max(0.001, Duration.between(x.at(), y.at()).toMillis() / 1000.0);
      points.add(
          new Point(
              ConsoleFormat.time(y.at()),
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
}
