package dev.mse.cli.pccs;

import dev.mse.attestation.sim.SimulatedPccs;
import dev.mse.cli.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mse pccs serve --simulation}: a PCCS for the simulated TEE, so runtimes and verifiers
 * fetch its collateral exactly as they fetch Intel's. It serves only the simulation root's
 * collateral: for real SGX or TDX platforms, point {@code --pccs} at Intel PCS or your own PCCS.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the mse simulated TEE's collateral (TCB Info, QE Identity, PCK and root CRLs) over"
          + " Intel's PCS v4 API, until stopped. Runtimes (--pccs) and verifiers (--pccs) then"
          + " fetch and cache it as they would Intel's. Its evidence stays SIMULATED."
    })
final class PccsServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--simulation",
      required = true,
      description = "serve the simulated TEE's collateral (the only kind mse serves)")
  boolean simulation;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8081",
      description = "where to listen (default: ${DEFAULT-VALUE}; port 0: any free port)")
  String listen;

  @Option(
      names = "--validity-days",
      paramLabel = "DAYS",
      defaultValue = "30",
      description = "how long each served document stays valid (default: ${DEFAULT-VALUE})")
  int validityDays;

  @Override
  public Integer call() throws Exception {
    if (validityDays < 1) {
      throw new UserError("--validity-days must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (SimulatedPccs pccs =
        SimulatedPccs.start(address(listen), Clock.systemUTC(), Duration.ofDays(validityDays))) {
      out.println("mse: simulated PCCS (SIMULATION ONLY, not Intel's collateral) at " + pccs.url());
      out.flush();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
    } catch (IOException e) {
      throw new UserError("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    return 0;
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new UserError("--listen must be HOST:PORT, got '" + hostPort + "'");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UserError("--listen must be HOST:PORT, got '" + hostPort + "'", e);
    }
    if (port < 0 || port > 65535) {
      throw new UserError("--listen port must be 0 to 65535, got " + port);
    }
    return new InetSocketAddress(host, port);
  }
}
