package dev.mse.operator.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One app's routes change without a rebuild, and never another app's. */
class AppRouteTableTest {
  private static final String APPS = "apps.example.test";
  private final AppRouteTable table = new AppRouteTable(APPS);

  @Test
  void anUpdateAddsMovesAndRemovesOneAppsRoutes() {
    AppRecord other = app(UUID.randomUUID(), "other.example.test", AppStatus.RUNNING);
    table.rebuild(List.of(other), id -> Optional.of(node(9000)));
    AppRecord app = app(UUID.randomUUID(), "Shop.Example.test", AppStatus.INITIALIZING);

    table.update(app.id(), Optional.of(app), id -> Optional.of(node(7000)));
    assertThat(table.route("shop.example.test").orElseThrow().node().getPort()).isEqualTo(7001);
    assertThat(table.route(AppRouteTable.enclaveDomain(app.id(), APPS)).orElseThrow().appId())
        .isEqualTo(app.id());
    assertThat(table.domainOf(app.id())).contains("shop.example.test");

    // a restarted node: the same names, the new address
    table.update(app.id(), Optional.of(app), id -> Optional.of(node(8000)));
    assertThat(table.route("shop.example.test").orElseThrow().node().getPort()).isEqualTo(8001);
    assertThat(table.size()).isEqualTo(4);

    // serving but without a known address: not routed
    table.update(app.id(), Optional.of(app), id -> Optional.empty());
    assertThat(table.route("shop.example.test")).isEmpty();
    assertThat(table.route(AppRouteTable.enclaveDomain(app.id(), APPS))).isEmpty();
    assertThat(table.domainOf(app.id())).isEmpty();
    assertThat(table.route("other.example.test")).isPresent();
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void aStoppedAppDoesNotTakeItsDomainFromTheAppThatHoldsItNow() {
    AppRecord old = app(UUID.randomUUID(), "shop.example.test", AppStatus.RUNNING);
    table.update(old.id(), Optional.of(old), id -> Optional.of(node(7000)));
    // its successor on the same domain is routed before the old app's stop is applied
    AppRecord next = app(UUID.randomUUID(), "shop.example.test", AppStatus.RUNNING);
    table.update(next.id(), Optional.of(next), id -> Optional.of(node(8000)));

    AppRecord stopped = app(old.id(), "shop.example.test", AppStatus.STOPPED);
    table.update(old.id(), Optional.of(stopped), id -> Optional.of(node(7000)));
    assertThat(table.route("shop.example.test").orElseThrow().appId()).isEqualTo(next.id());
    assertThat(table.route(AppRouteTable.enclaveDomain(old.id(), APPS))).isEmpty();

    // an app whose row is gone: removed too
    table.update(next.id(), Optional.empty(), id -> Optional.of(node(8000)));
    assertThat(table.route("shop.example.test")).isEmpty();
    assertThat(table.size()).isZero();
  }

  private static NodeAddress node(int port) {
    return new NodeAddress(
        new InetSocketAddress("127.0.0.1", port), new InetSocketAddress("127.0.0.1", port + 1));
  }

  private static AppRecord app(UUID id, String domain, AppStatus status) {
    Instant now = Instant.now();
    return new AppRecord(
        id,
        "shop",
        UUID.randomUUID(),
        "4g",
        status,
        SslOrigin.SELF,
        domain,
        ("{\"app_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
        "ab".repeat(32),
        Path.of("/nonexistent.tar"),
        "com.example.Main",
        "/health",
        now,
        Optional.empty(),
        Optional.empty(),
        now.plusSeconds(3600),
        Optional.empty());
  }
}
