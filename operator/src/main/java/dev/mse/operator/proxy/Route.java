package dev.mse.operator.proxy;

import dev.mse.attestation.codec.ByteString;
import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * Where the proxy sends a connection whose TLS ClientHello names a server.
 *
 * @param appId the app that owns the name
 * @param node the node's TLS front
 * @param mode passthrough (the operator never sees plaintext) or terminate (operator mode)
 * @param configSha256 SHA-256 of the app's deployment config: in {@link Mode#TERMINATE} the proxy
 *     requires the node's RA-TLS claims to carry it (and the app id) before it forwards a byte
 */
public record Route(UUID appId, InetSocketAddress node, Mode mode, ByteString configSha256) {
  /** What the proxy does with TLS. */
  public enum Mode {
    /** Relay the TLS bytes untouched to the node (ssl origin self and owner). */
    PASSTHROUGH,
    /** End TLS with the operator's certificate, then talk RA-TLS to the node (operator). */
    TERMINATE
  }
}
