package dev.mse.operator.api;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.apps.AppMetrics;
import dev.mse.operator.apps.AppRouteTable;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.ApiToken;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.HardwareOffer;
import dev.mse.operator.store.Project;
import dev.mse.operator.store.Quota;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The JSON shapes of the API (snake_case, times as ISO-8601 UTC text, absent values as null). Kept
 * apart from the stored records so the wire format changes only on purpose.
 */
final class Views {
  private Views() {}

  record AccountView(String id, String email, String createdAt) {}

  record TokenView(String id, String name, String createdAt, String lastUsedAt, String expiresAt) {}

  record NewTokenView(String id, String name, String token, String createdAt, String expiresAt) {}

  record ProjectView(String id, String name, String description, String createdAt) {}

  record QuotaView(String hardware, int maxApps, int used) {}

  record HardwareView(String name, int memoryMb, int cores, int enclaveSizeMb) {}

  record DefaultsView(
      String project,
      String hardware,
      String appsDomain,
      String proxyHost,
      int proxyPort,
      long maxPackageBytes) {}

  record AppView(
      String id,
      String name,
      String projectId,
      String hardware,
      String status,
      String sslOrigin,
      String domain,
      String enclaveDomain,
      String javaApplication,
      String healthcheckEndpoint,
      String createdAt,
      String readyAt,
      String stoppedAt,
      String expiresAt,
      String failure,
      String url) {}

  record AppListView(List<AppView> items, String nextCursor) {}

  record MetricsView(
      long requests,
      double averageLatencyMs,
      long activeConnections,
      long connections,
      long bytesIn,
      long bytesOut,
      double cpuSeconds,
      long heapMaxBytes,
      long directMaxBytes) {}

  record LogsView(String stdout) {}

  record Items<T>(List<T> items) {}

  /** RFC 6749 §5.1: {@code expires_in} in seconds. */
  record TokenResponse(String accessToken, String tokenType, long expiresIn) {}

  record Problem(ProblemBody error) {}

  record ProblemBody(String code, String message) {}

  static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS));
  }

  static String time(Optional<Instant> t) {
    return t.map(Views::time).orElse(null);
  }

  static AccountView account(Account a) {
    return new AccountView(a.id().toString(), a.email(), time(a.createdAt()));
  }

  static TokenView token(ApiToken t) {
    return new TokenView(
        t.id().toString(),
        t.name(),
        time(t.createdAt()),
        time(t.lastUsedAt()),
        time(t.expiresAt()));
  }

  static ProjectView project(Project p) {
    return new ProjectView(p.id().toString(), p.name(), p.description(), time(p.createdAt()));
  }

  static QuotaView quota(Quota q) {
    return new QuotaView(q.hardware(), q.maxApps(), q.used());
  }

  static HardwareView hardware(HardwareOffer h) {
    return new HardwareView(h.name(), h.memoryMb(), h.cores(), h.enclaveSizeMb());
  }

  static AppView app(AppRecord a, OperatorConfig config) {
    String port = config.proxyPort() == 443 ? "" : ":" + config.proxyPort();
    return new AppView(
        a.id().toString(),
        a.name(),
        a.projectId().toString(),
        a.hardware(),
        a.status().wireName(),
        a.sslOrigin().wireName(),
        a.domain(),
        AppRouteTable.enclaveDomain(a.id(), config.appsDomain()),
        a.javaApplication(),
        a.healthcheckEndpoint(),
        time(a.createdAt()),
        time(a.readyAt()),
        time(a.stoppedAt()),
        time(a.expiresAt()),
        a.failure().orElse(null),
        "https://" + a.domain() + port + "/");
  }

  static MetricsView metrics(AppMetrics m) {
    return new MetricsView(
        m.requests(),
        m.averageLatencyMs(),
        m.activeConnections(),
        m.connections(),
        m.bytesIn(),
        m.bytesOut(),
        m.cpuSeconds(),
        m.heapMaxBytes(),
        m.directMaxBytes());
  }
}
