package dev.mse.operator.proxy;

import javax.net.ssl.SSLContext;

/**
 * How the proxy decides whether a node may receive a client's plaintext in {@link
 * Route.Mode#TERMINATE}: the client context it uses to talk TLS to the node. The context's trust
 * managers are the whole decision; a handshake they refuse closes the client's connection before a
 * byte is forwarded.
 */
@FunctionalInterface
public interface UpstreamTrust {
  /** Refuses every node: for proxies configured without TERMINATE routes. */
  UpstreamTrust NONE =
      route -> {
        throw new IllegalStateException("no upstream trust configured for TERMINATE routes");
      };

  /**
   * Returns a TLS client context whose trust managers accept exactly the nodes allowed to serve
   * {@code route}.
   */
  SSLContext contextFor(Route route);
}
