package dev.mse.operator.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mse.operator.apps.AppMetrics;
import dev.mse.operator.apps.AppService;
import dev.mse.operator.store.MetricSampleTable.Sample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The charts' points: rates between samples, counters that go back (a restart) as zero. */
class MetricsHistoryTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Sample sample(
      int second, long requests, double latency, long open, long in, long out, double cpu) {
    return AppService.sample(
        T0.plusSeconds(second), new AppMetrics(requests, latency, open, 0, in, out, cpu, 0, 0));
  }

  @Test
  void ratesAreTheCountersDifferencePerSecond() {
    List<MetricsHistory.Point> points =
        MetricsHistory.points(
            List.of(
                sample(0, 100, 2.0, 1, 1000, 5000, 1.0), sample(10, 150, 3.5, 4, 3000, 9000, 3.5)));
    assertThat(points).hasSize(1);
    MetricsHistory.Point p = points.getFirst();
    assertThat(p.at()).isEqualTo("2026-01-01 00:00:10 UTC");
    assertThat(p.requestsPerSecond()).isCloseTo(5.0, within(1e-9));
    assertThat(p.latencyMs()).isEqualTo(3.5);
    assertThat(p.connections()).isEqualTo(4);
    assertThat(p.bytesInPerSecond()).isCloseTo(200.0, within(1e-9));
    assertThat(p.bytesOutPerSecond()).isCloseTo(400.0, within(1e-9));
    assertThat(p.cpuPercent()).isCloseTo(25.0, within(1e-9));
  }

  @Test
  void countersThatWentBackCountAsZeroNotNegative() {
    List<MetricsHistory.Point> points =
        MetricsHistory.points(
            List.of(sample(0, 500, 1, 0, 9000, 9000, 20), sample(10, 3, 1, 0, 10, 10, 0.5)));
    MetricsHistory.Point p = points.getFirst();
    assertThat(p.requestsPerSecond()).isZero();
    assertThat(p.bytesInPerSecond()).isZero();
    assertThat(p.bytesOutPerSecond()).isZero();
    assertThat(p.cpuPercent()).isZero();
  }

  @Test
  void oneSampleMakesNoPoint() {
    assertThat(MetricsHistory.points(List.of(sample(0, 1, 1, 1, 1, 1, 1)))).isEmpty();
  }

  @Test
  void samplesAreKeptAsLongAsAChartReadsThem() {
    assertThat(AppService.METRICS_RETENTION).isGreaterThan(MetricsHistory.WINDOW);
    assertThat(AppService.METRICS_RETENTION)
        .isLessThan(MetricsHistory.WINDOW.plus(AppService.METRICS_SAMPLE_PERIOD.multipliedBy(60)));
  }
}
