package dev.mse.cli.operator;

import dev.mse.cli.UserError;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.admin.AdminChannel;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.TeeDetection;
import dev.mse.operator.store.EmptyDatabaseException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mse operator serve}: the operator's service, until stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the operator: the HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json, login page"
          + " at /login/authorize), one runtime process per app on this host (or one pod per app"
          + " with node_provider = \"kubernetes\"), and the SNI proxy."
          + " Runs until Ctrl-C; nodes keep running and are found again at the next start."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OperatorOptions options;

  @Option(
      names = "--tee",
      paramLabel = "KIND",
      description = "simulation, gramine-sgx or tsm (default: what this machine has)")
  String tee;

  @Override
  public Integer call() throws Exception {
    if (System.getenv("MSE_LOG_LEVEL") == null
        && org.slf4j.LoggerFactory.getILoggerFactory()
            instanceof ch.qos.logback.classic.LoggerContext logs) {
      // A service's log is its record of what happened: INFO unless asked otherwise.
      logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
    }
    OperatorConfig config = options.resolve();
    // node_provider = "kubernetes": the nodes are pods of the TEE its [kubernetes] table names
    boolean kubernetes = config.kubernetes().isPresent();
    String kind =
        kubernetes
            ? config.kubernetes().get().tee()
            : tee != null ? tee : TeeDetection.detect().orElse("simulation");
    if (kubernetes && tee != null && !tee.equals(kind)) {
      throw new UserError(
          "--tee " + tee + " contradicts tee = \"" + kind + "\" under [kubernetes] in the config");
    }
    if (!kubernetes && kind.equals("gramine-sgx")) {
      // before anything starts: Gramine's tools and [gramine] signer_key, else one clear line
      try {
        dev.mse.operator.node.runtime.GramineLaunch.checkReady(config.gramine(), true);
      } catch (java.io.IOException e) {
        throw new UserError(e.getMessage(), e);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    LocalOperator operator;
    try {
      operator =
          LocalOperator.start(
              new LocalOperator.Settings(
                  config,
                  // pods run the runtime image: no runtime distribution on this host
                  kubernetes ? java.nio.file.Path.of("runtime-in-image") : options.runtimeDir(),
                  kind));
    } catch (java.net.BindException e) {
      throw portBusy(e);
    } catch (EmptyDatabaseException
        | AdminChannel.AnotherOperatorException
        | dev.mse.operator.OperatorConfigException
        | dev.mse.operator.node.kubernetes.KubernetesNodeProvider.UnreachableException e) {
      throw new UserError(e.getMessage(), e);
    } catch (java.io.IOException e) {
      // Jetty reports a port in use as "Failed to bind to /host:port", caused by a BindException
      if (e.getCause() instanceof java.net.BindException) {
        throw portBusy(e);
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    operator.close();
                  } catch (Exception e) {
                    // Exiting anyway.
                  }
                  stopped.countDown();
                }));
    out.println(
        "mse operator serving ("
            + kind
            + (kind.equals("simulation") ? ": SIMULATED TEE, not confidential" : "")
            + ")");
    out.println("  API:      " + operator.apiUri());
    out.println(
        "  proxy:    "
            + config.proxyHost()
            + ":"
            + operator.proxyPort()
            + " (*."
            + config.appsDomain()
            + ")");
    out.println(
        "  nodes:    "
            + config
                .kubernetes()
                .map(k -> "pods in Kubernetes namespace " + k.namespace() + " (" + k.image() + ")")
                .orElse("runtime processes on this host"));
    out.println("  data:     " + config.dataDir());
    out.println("  operator CA (for --untrusted-ssl apps): " + operator.operatorCaFile());
    out.println("log in: mse cloud login --url " + operator.apiUri());
    out.flush();
    stopped.await();
    return 0;
  }

  private static UserError portBusy(Exception e) {
    return new UserError("a port is busy: " + e.getMessage() + " (--api-port, --proxy-port)", e);
  }
}
