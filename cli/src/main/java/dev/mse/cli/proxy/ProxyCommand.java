package dev.mse.cli.proxy;

import dev.mse.cli.UserError;
import dev.mse.cli.cloud.AppVerifier;
import dev.mse.cli.cloud.VerifyOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mse proxy DOMAIN}: a zero-trust app in a plain browser. The app serves its own TLS inside
 * the TEE with a certificate no browser trusts; this command verifies the enclave as {@code mse
 * cloud verify} does, then serves the app in plain HTTP on loopback, forwarding to it over TLS that
 * trusts only certificates fresh evidence vouches for, checked again on new connections.
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Open a zero-trust app in a plain browser: verify the app at DOMAIN[:PORT] as 'mse cloud"
          + " verify' does, then serve it, WebSocket included, at http://127.0.0.1:8080/"
          + " (loopback only). Every new connection to the app must present a certificate that fresh evidence from its"
          + " enclave vouches for (a verdict is reused for --evidence-cache-seconds); when that"
          + " fails the browser gets an error page with the reason, never the app's bytes.",
      "Refuses to start when the app does not verify. What the code must be: --fingerprint"
          + " CODE_SHA256, or --context FILE [--code DIR], or a whole --policy FILE."
    })
public final class ProxyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DOMAIN[:PORT]", description = "the app's domain (port default 443)")
  String target;

  @Option(
      names = "--listen",
      defaultValue = "127.0.0.1:8080",
      paramLabel = "HOST:PORT",
      description = "where the browser connects, a loopback address (default: ${DEFAULT-VALUE})")
  String listen;

  @Mixin VerifyOptions verifyOptions;

  @Option(
      names = "--evidence-cache-seconds",
      defaultValue = "60",
      paramLabel = "N",
      description =
          "how long a verified certificate is trusted before a new connection asks the enclave"
              + " again (default: ${DEFAULT-VALUE})")
  long evidenceCacheSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ListenAddress at = ListenAddress.parse(listen);
    if (evidenceCacheSeconds < 1 || evidenceCacheSeconds > 3600) {
      throw new UserError("--evidence-cache-seconds must be between 1 and 3600");
    }
    Duration lifetime = Duration.ofSeconds(evidenceCacheSeconds);
    AppVerifier app = verifyOptions.verifier(target, Optional.empty(), err);
    X509Certificate served = app.served();
    AppVerifier.Verified verified = app.verify(served, err);
    if (verified == null) {
      err.println("mse: not starting the proxy: " + app.domain() + " does not verify");
      err.flush();
      return 1;
    }
    verified.describe(out, app.domain());
    out.flush();
    EvidenceTrust trust =
        new EvidenceTrust(
            app,
            lifetime,
            Clock.systemUTC(),
            line -> {
              err.println(
                  "mse proxy: " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
              err.flush();
            });
    trust.remember(served);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory());
    connector.setHost(at.address().getAddress().getHostAddress());
    connector.setPort(at.address().getPort());
    server.addConnector(connector);
    server.setHandler(new VerifiedProxy(app, trust, lifetime));
    server.setStopAtShutdown(true);
    try {
      server.start();
    } catch (IOException e) {
      server.stop();
      throw new UserError("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    String host = at.address().getAddress().getHostAddress();
    String url =
        "http://"
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + connector.getLocalPort()
            + "/";
    out.println(
        "serving "
            + url
            + " -> https://"
            + app.domain()
            + (app.port() == 443 ? "" : ":" + app.port())
            + "/ (fresh evidence on new connections, a verdict reused for "
            + lifetime.toSeconds()
            + " s; Ctrl-C to stop)");
    out.flush();
    server.join();
    return 0;
  }
}
