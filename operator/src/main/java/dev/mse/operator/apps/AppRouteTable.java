package dev.mse.operator.apps;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.proxy.Route;
import dev.mse.operator.proxy.RouteTable;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The proxy's routes, answered from memory: rebuilt from the database on start and whenever a
 * change may have been missed, and otherwise kept up to date one app at a time ({@link #update}).
 * Each app in {@code initializing} or {@code running} with a node address has two names: its {@code
 * domain} (the app's own name or, in owner mode, its custom domain) goes to the node's <b>app
 * port</b>, where the app serves its own TLS (passthrough for self and owner; for operator the
 * proxy terminates and re-encrypts to the app port); {@code <id>.enclave.<apps domain>} goes to the
 * node's <b>enclave port</b> (always passthrough, so the owner's CLI talks to the runtime itself).
 *
 * <p>Lookups are one hash-map read. Writers ({@link #rebuild}, {@link #update}) are serialized by
 * the caller ({@code AppService}), each reading the database after the one before it applied, so
 * that no write installs what an earlier read saw over what a later one did.
 */
public final class AppRouteTable implements RouteTable {
  private final String appsDomain;

  /** Routes by name and the routed domain of each app; swapped whole by a rebuild. */
  private record Tables(Map<String, Route> routes, Map<UUID, String> domains) {}

  private volatile Tables tables = new Tables(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());

  public AppRouteTable(String appsDomain) {
    this.appsDomain = appsDomain;
  }

  @Override
  public Optional<Route> route(String serverName) {
    return Optional.ofNullable(tables.routes().get(serverName.toLowerCase(Locale.ROOT)));
  }

  /** The domain of a routed app: the name its deployment config, hence its claims, carry. */
  public Optional<String> domainOf(UUID appId) {
    return Optional.ofNullable(tables.domains().get(appId));
  }

  /** How many names are routed. */
  public int size() {
    return tables.routes().size();
  }

  /** The enclave name of an app. */
  public static String enclaveDomain(UUID appId, String appsDomain) {
    return appId + ".enclave." + appsDomain;
  }

  /** Replaces the routes with those of {@code liveApps}. */
  void rebuild(List<AppRecord> liveApps, Function<UUID, Optional<NodeAddress>> nodes) {
    Map<String, Route> next = new ConcurrentHashMap<>();
    Map<UUID, String> nextDomains = new ConcurrentHashMap<>();
    for (AppRecord app : liveApps) {
      Optional<NodeAddress> node = serving(app) ? nodes.apply(app.id()) : Optional.empty();
      if (node.isPresent()) {
        put(next, nextDomains, app, node.get());
      }
    }
    tables = new Tables(next, nextDomains);
  }

  /**
   * Brings one app's routes up to date with its row ({@code app}, empty if it has none): adds or
   * replaces them while it serves at a known address, removes them otherwise. Only this app's
   * routes change: a name another app holds now (the domain of a stopped app, taken again) stays.
   */
  void update(UUID appId, Optional<AppRecord> app, Function<UUID, Optional<NodeAddress>> nodes) {
    Tables t = tables;
    Optional<NodeAddress> node =
        app.filter(AppRouteTable::serving).flatMap(a -> nodes.apply(a.id()));
    if (node.isPresent()) {
      // replaced in place, never removed first: a lookup meanwhile finds the old or the new route
      put(t.routes(), t.domains(), app.get(), node.get());
      return;
    }
    String domain = t.domains().remove(appId);
    if (domain != null) {
      t.routes().computeIfPresent(domain, (k, r) -> r.appId().equals(appId) ? null : r);
    }
    t.routes().remove(enclaveDomain(appId, appsDomain));
  }

  /** Whether {@code app} is routed while its node has an address: initializing or running. */
  static boolean serving(AppRecord app) {
    return app.status() == AppStatus.INITIALIZING || app.status() == AppStatus.RUNNING;
  }

  private void put(
      Map<String, Route> routes, Map<UUID, String> domains, AppRecord app, NodeAddress node) {
    InetSocketAddress enclave = node.enclave();
    ByteString configSha256 = ByteString.of(app.deploymentConfig()).sha256();
    Route.Mode mode =
        app.sslOrigin() == SslOrigin.OPERATOR ? Route.Mode.TERMINATE : Route.Mode.PASSTHROUGH;
    String domain = app.domain().toLowerCase(Locale.ROOT);
    routes.put(domain, new Route(app.id(), node.app(), enclave, mode, configSha256));
    domains.put(app.id(), domain);
    routes.put(
        enclaveDomain(app.id(), appsDomain),
        new Route(app.id(), enclave, enclave, Route.Mode.PASSTHROUGH, configSha256));
  }
}
