package dev.mse.bench;

import dev.mse.attestation.codec.ByteString;
import dev.mse.operator.proxy.ProxyConfig;
import dev.mse.operator.proxy.ProxyMetrics;
import dev.mse.operator.proxy.Route;
import dev.mse.operator.proxy.SniProxy;
import dev.mse.operator.proxy.UpstreamTrust;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The operator's SNI proxy in passthrough, alone in its JVM, for bench/proxy/run-proxy.sh to put
 * wrk in front of. Usage: {@code ProxyBench <listen port> <server name> <backend port>}; it runs
 * until killed.
 */
public final class ProxyBench {
  private ProxyBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String name = args[1];
    int backend = Integer.parseInt(args[2]);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Route route =
        new Route(
            UUID.randomUUID(),
            new InetSocketAddress(loopback, backend),
            Route.Mode.PASSTHROUGH,
            ByteString.fromHex("00".repeat(32)));
    ProxyConfig config =
        ProxyConfig.defaults(new InetSocketAddress(loopback, port))
            .withBacklog(4096)
            .withMaxConnections(20_000, 20_000)
            // every load client connects from loopback: one source
            .withMaxConnectionsPerSource(20_000)
            // nginx's defaults (preread_timeout 30s, proxy_connect_timeout 60s, proxy_timeout
            // 10m), so both proxies apply the same deadlines: at 5,000 connections on a loaded
            // machine wrk sends some ClientHellos more than the operator's 5 s after connecting
            .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(10));
    try (SniProxy proxy =
        new SniProxy(
            config,
            sni -> sni.equals(name) ? Optional.of(route) : Optional.empty(),
            UpstreamTrust.NONE,
            ProxyMetrics.NONE)) {
      proxy.start();
      System.out.println("proxy listening on " + proxy.address() + " for " + name);
      new CountDownLatch(1).await();
    }
  }
}
