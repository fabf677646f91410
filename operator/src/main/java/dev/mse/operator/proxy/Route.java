package dev.mse.operator.proxy;

import dev.mse.attestation.codec.ByteString;
import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * Where the proxy sends a connection whose TLS ClientHello names a server.
 *
 * @param appId the app that owns the name
 * @param node where the connection goes: the node's app port (the app's names) or its enclave port
 *     (the enclave name)
 * @param enclave the node's enclave port, where the proxy fetches fresh evidence in {@link
 *     Mode#TERMINATE} (equal to {@code node} for the enclave name)
 * @param mode passthrough (the operator never sees plaintext) or terminate (operator mode)
 * @param configSha256 SHA-256 of the app's deployment config: in {@link Mode#TERMINATE} the proxy
 *     requires the enclave's fresh claims to carry it (and the app id) before it forwards a byte
 */
public record Route(
    UUID appId,
    InetSocketAddress node,
    InetSocketAddress enclave,
    Mode mode,
    ByteString configSha256) {
  /** A route to a node whose enclave port is {@code node} itself (passthrough, benchmarks). */
  public Route(UUID appId, InetSocketAddress node, Mode mode, ByteString configSha256) {
    this(appId, node, node, mode, configSha256);
  }

  /** What the proxy does with TLS. */
  public enum Mode {
    /** Relay the TLS bytes untouched to the node (ssl origin self and owner, the enclave name). */
    PASSTHROUGH,
    /**
     * End TLS with the operator's certificate, then talk TLS to the app port, trusting its
     * certificate only when fresh evidence from the enclave port names its key (operator).
     */
    TERMINATE
  }
}
