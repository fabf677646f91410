package dev.mse.operator.proxy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How the SNI proxy listens and what it refuses.
 *
 * @param bind address and port to listen on (port 0: any free port, see {@link SniProxy#port()})
 * @param backlog the listen queue length
 * @param limits connections in all, per app and per source, and the time for a ClientHello
 * @param connectTimeout time to connect to a node (and, in TERMINATE, to finish TLS with it)
 * @param idleTimeout a connection with no byte in either direction for this long is closed
 * @param maxHelloBytes the largest ClientHello accepted
 * @param bufferSize relay buffer per direction per connection
 * @param terminate the operator's server context (its wildcard certificate) for {@link
 *     Route.Mode#TERMINATE}; empty refuses such routes
 */
public record ProxyConfig(
    InetSocketAddress bind,
    int backlog,
    ProxyLimits limits,
    Duration connectTimeout,
    Duration idleTimeout,
    int maxHelloBytes,
    int bufferSize,
    Optional<SSLContext> terminate) {

  public ProxyConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(terminate, "terminate");
    positive(backlog, "backlog");
    positive(connectTimeout, "connectTimeout");
    positive(idleTimeout, "idleTimeout");
    if (bufferSize < 1024) {
      throw new IllegalArgumentException("bufferSize below 1 KiB: " + bufferSize);
    }
    new ClientHelloParser(maxHelloBytes); // validates the bound
  }

  /** Production defaults on {@code bind}. */
  public static ProxyConfig defaults(InetSocketAddress bind) {
    return new ProxyConfig(
        bind,
        1024,
        ProxyLimits.DEFAULT,
        Duration.ofSeconds(5),
        Duration.ofMinutes(5),
        ClientHelloParser.DEFAULT_MAX_HELLO_BYTES,
        64 * 1024,
        Optional.empty());
  }

  public ProxyConfig withLimits(ProxyLimits value) {
    return new ProxyConfig(
        bind, backlog, value, connectTimeout, idleTimeout, maxHelloBytes, bufferSize, terminate);
  }

  public ProxyConfig withMaxConnections(int total, int perApp) {
    return withLimits(limits.withMaxConnections(total, perApp));
  }

  public ProxyConfig withMaxConnectionsPerSource(int perSource) {
    return withLimits(limits.withMaxConnectionsPerSource(perSource));
  }

  public ProxyConfig withTimeouts(Duration hello, Duration connect, Duration idle) {
    return new ProxyConfig(
        bind,
        backlog,
        limits.withHelloTimeout(hello),
        connect,
        idle,
        maxHelloBytes,
        bufferSize,
        terminate);
  }

  public ProxyConfig withBacklog(int value) {
    return new ProxyConfig(
        bind, value, limits, connectTimeout, idleTimeout, maxHelloBytes, bufferSize, terminate);
  }

  public ProxyConfig withBufferSize(int value) {
    return new ProxyConfig(
        bind, backlog, limits, connectTimeout, idleTimeout, maxHelloBytes, value, terminate);
  }

  public ProxyConfig withMaxHelloBytes(int value) {
    return new ProxyConfig(
        bind, backlog, limits, connectTimeout, idleTimeout, value, bufferSize, terminate);
  }

  /** Enables {@link Route.Mode#TERMINATE} with the operator's certificate. */
  public ProxyConfig withTerminate(SSLContext operatorContext) {
    return new ProxyConfig(
        bind,
        backlog,
        limits,
        connectTimeout,
        idleTimeout,
        maxHelloBytes,
        bufferSize,
        Optional.of(operatorContext));
  }

  private static void positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  private static void positive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
