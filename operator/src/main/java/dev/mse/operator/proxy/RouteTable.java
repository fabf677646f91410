package dev.mse.operator.proxy;

import java.util.Optional;

/**
 * The proxy's view of the apps: asked once per connection, so implementations answer from memory.
 */
@FunctionalInterface
public interface RouteTable {
  /**
   * @param serverName the SNI host name, lower case, without a trailing dot
   * @return the route, or empty for an unknown or stopped app (the proxy refuses the connection)
   */
  Optional<Route> route(String serverName);
}
