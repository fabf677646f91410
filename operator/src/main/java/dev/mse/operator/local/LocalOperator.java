package dev.mse.operator.local;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.local.LocalNodeProvider;
import dev.mse.operator.proxy.ProxyConfig;
import dev.mse.operator.proxy.RaTlsUpstreamTrust;
import dev.mse.operator.proxy.SniProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A whole operator on one host, as {@code mse operator serve} and {@code mse demo} run it: the
 * control plane ({@link Operator}: database, accounts, API), one runtime process per app ({@link
 * LocalNodeProvider}) and the SNI proxy in front of them, with the operator's TLS identity for
 * {@code --untrusted-ssl} apps. The proxy verifies the RA-TLS of the nodes it terminates for.
 */
public final class LocalOperator implements AutoCloseable {
  /** How many times a node that dies is restarted from its sealed state. */
  private static final int MAX_RESTARTS = 3;

  /** How long a new enclave waits for its owner's provisioning. */
  private static final Duration PROVISIONING_TIMEOUT = Duration.ofHours(1);

  /**
   * @param config the control plane's configuration
   * @param runtimeDir the runtime distribution the nodes run
   * @param tee simulation, gramine-sgx or tsm
   */
  public record Settings(OperatorConfig config, Path runtimeDir, String tee) {}

  private final Operator operator;
  private final SniProxy proxy;
  private final OperatorTls tls;

  private LocalOperator(Operator operator, SniProxy proxy, OperatorTls tls) {
    this.operator = operator;
    this.proxy = proxy;
    this.tls = tls;
  }

  public static LocalOperator start(Settings s) throws Exception {
    OperatorConfig config = s.config();
    OperatorTls tls =
        OperatorTls.loadOrCreate(config.dataDir().resolve("tls"), config.appsDomain());
    LocalNodeProvider.Settings nodes =
        new LocalNodeProvider.Settings(
            config.dataDir().resolve("nodes"),
            s.runtimeDir(),
            s.tee(),
            PROVISIONING_TIMEOUT,
            MAX_RESTARTS);
    Operator operator =
        Operator.start(
            config,
            listener -> {
              try {
                return new LocalNodeProvider(nodes, listener);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      AppraisalPolicy upstream =
          AppraisalPolicy.defaults().withAllowSimulation(s.tee().equals("simulation"));
      SniProxy proxy =
          new SniProxy(
                  ProxyConfig.defaults(
                          new InetSocketAddress(config.proxyHost(), config.proxyPort()))
                      .withLimits(config.proxyLimits())
                      .withTerminate(tls.serverContext()),
                  operator.routes(),
                  new RaTlsUpstreamTrust(upstream, r -> r.appId() + "." + config.appsDomain()),
                  operator.traffic())
              .start();
      return new LocalOperator(operator, proxy, tls);
    } catch (Exception e) {
      operator.close();
      throw e;
    }
  }

  public Operator operator() {
    return operator;
  }

  public URI apiUri() {
    return operator.apiUri();
  }

  public int proxyPort() {
    return proxy.port();
  }

  /** The CA that signed the proxy's certificate for operator-mode apps. */
  public Path operatorCaFile() {
    return tls.caFile();
  }

  /** Stops the proxy and the control plane; nodes keep running for the next start. */
  @Override
  public void close() throws Exception {
    try {
      proxy.close();
    } finally {
      operator.close();
    }
  }
}
