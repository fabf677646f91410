package dev.mse.operator.proxy;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

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

  /**
   * Called after every handshake with a node, before a byte is forwarded: a resumed TLS session
   * skips the trust managers, so a trust whose verdicts expire checks here that the session's
   * certificate is still trusted.
   *
   * @throws SSLException when it no longer is (the client's connection closes)
   */
  default void confirm(Route route, SSLSession session) throws SSLException {}
}
