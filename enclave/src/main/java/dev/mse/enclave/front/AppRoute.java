package dev.mse.enclave.front;

import java.util.function.BooleanSupplier;

/**
 * Where the app listens on loopback and whether it serves now. The front relays HTTP/1.1
 * connections to it only while {@code running} says so; before, everything goes to the runtime.
 *
 * @param loopback whether the front may reach the app over a loopback socket when its port is not
 *     in memory: not under SGX, where loopback traffic crosses the untrusted host
 */
public record AppRoute(int port, BooleanSupplier running, boolean loopback) {
  public AppRoute(int port, BooleanSupplier running) {
    this(port, running, true);
  }
}
