package dev.mse.operator.apps;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.SslOrigin;
import dev.mse.operator.node.NodeAddress;
import dev.mse.operator.proxy.Route;
import dev.mse.operator.proxy.RouteTable;
import dev.mse.operator.store.AppRecord;
import dev.mse.operator.store.AppStatus;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The proxy's routes, answered from memory and rebuilt from the database on every status change.
 * Each app in {@code initializing} or {@code running} with a node address has two names: its {@code
 * domain} (the app's own name or, in owner mode, its custom domain) goes to the node's <b>app
 * port</b>, where the app serves its own TLS (passthrough for self and owner; for operator the
 * proxy terminates and re-encrypts to the app port); {@code <id>.enclave.<apps domain>} goes to the
 * node's <b>enclave port</b> (always passthrough, so the owner's CLI talks to the runtime itself).
 */
public final class AppRouteTable implements RouteTable {
  private final String appsDomain;
  private volatile Map<String, Route> routes = Map.of();
  private volatile Map<java.util.UUID, String> domains = Map.of();

  public AppRouteTable(String appsDomain) {
    this.appsDomain = appsDomain;
  }

  @Override
  public Optional<Route> route(String serverName) {
    return Optional.ofNullable(routes.get(serverName.toLowerCase(Locale.ROOT)));
  }

  /** The domain of a routed app: the name its deployment config, hence its claims, carry. */
  public Optional<String> domainOf(java.util.UUID appId) {
    return Optional.ofNullable(domains.get(appId));
  }

  /** The enclave name of an app. */
  public static String enclaveDomain(java.util.UUID appId, String appsDomain) {
    return appId + ".enclave." + appsDomain;
  }

  /** Replaces the routes with those of {@code liveApps}. */
  void rebuild(List<AppRecord> liveApps, Function<UUID, Optional<NodeAddress>> nodes) {
    Map<String, Route> next = new HashMap<>();
    Map<java.util.UUID, String> nextDomains = new HashMap<>();
    for (AppRecord app : liveApps) {
      if (app.status() != AppStatus.INITIALIZING && app.status() != AppStatus.RUNNING) {
        continue;
      }
      Optional<NodeAddress> node = nodes.apply(app.id());
      if (node.isEmpty()) {
        continue;
      }
      InetSocketAddress enclave = node.get().enclave();
      ByteString configSha256 = ByteString.of(app.deploymentConfig()).sha256();
      Route.Mode mode =
          app.sslOrigin() == SslOrigin.OPERATOR ? Route.Mode.TERMINATE : Route.Mode.PASSTHROUGH;
      next.put(
          app.domain().toLowerCase(Locale.ROOT),
          new Route(app.id(), node.get().app(), enclave, mode, configSha256));
      nextDomains.put(app.id(), app.domain().toLowerCase(Locale.ROOT));
      next.put(
          enclaveDomain(app.id(), appsDomain),
          new Route(app.id(), enclave, enclave, Route.Mode.PASSTHROUGH, configSha256));
    }
    domains = Map.copyOf(nextDomains);
    routes = Map.copyOf(next);
  }
}
