package dev.mse.enclave.front;

import java.util.function.BooleanSupplier;

/**
 * Where the app listens on loopback and whether it serves now. The front relays HTTP/1.1
 * connections to it only while {@code running} says so; before, everything goes to the runtime.
 */
public record AppRoute(int port, BooleanSupplier running) {}
