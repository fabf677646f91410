package dev.mse.operator.node;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a running node listens: two ports on the node's host.
 *
 * @param enclave the runtime's own TLS server (RA-TLS certificate): status, evidence, provisioning
 * @param app the app's TLS server, inside the same TEE (the app's or the owner's certificate)
 */
public record NodeAddress(InetSocketAddress enclave, InetSocketAddress app) {
  public NodeAddress {
    Objects.requireNonNull(enclave, "enclave");
    Objects.requireNonNull(app, "app");
  }
}
