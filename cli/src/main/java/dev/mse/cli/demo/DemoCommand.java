package dev.mse.cli.demo;

import dev.mse.attestation.sim.SimulatedPccs;
import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.Json;
import dev.mse.cli.Main;
import dev.mse.cli.UserError;
import dev.mse.cli.cloud.CloudLogin;
import dev.mse.cli.owner.AppBuilder;
import dev.mse.cli.owner.AppTemplate;
import dev.mse.cli.runtime.RuntimeDistribution;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.store.Account;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code mse demo}: the whole service on this machine, explained step by step: an operator (H2,
 * local nodes, simulated TEE, SNI proxy on loopback), a demo account, the example app deployed in
 * zero-trust mode through the real CLI commands, verified as a user would, and called.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole mse service on this machine and walk through a zero-trust deployment: an"
          + " operator with its API, database, enclave nodes (simulated TEE: no TEE hardware is"
          + " needed, and nothing claims to be confidential) and SNI proxy; a demo account; the"
          + " example app deployed, verified as a user would, and called.",
      "Keeps running until Ctrl-C, so you can call the app yourself (--exit: stop after the"
          + " calls)."
    })
public final class DemoCommand implements Callable<Integer> {
  private static final String EMAIL = "demo@mse.localhost";

  @Spec CommandSpec spec;

  @Option(names = "--exit", description = "stop after the calls instead of waiting for Ctrl-C")
  boolean exit;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "where the demo keeps its files (default: a new temporary directory)")
  Path dir;

  @Option(
      names = "--runtime",
      paramLabel = "DIR",
      description = "the runtime distribution (default: as 'mse runtime measurement')")
  Path runtime;

  private PrintWriter out;
  private PrintWriter err;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    Path work =
        (dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("mse-demo-"))
            .toAbsolutePath();
    Path runtimeDir = RuntimeDistribution.locate(Optional.ofNullable(runtime)).directory();
    // The demo's own CLI state (login, owner key, contexts), so yours is left alone.
    String previousConf = System.getProperty(ConfigDirectory.PROPERTY);
    System.setProperty(ConfigDirectory.PROPERTY, work.resolve("cli").toString());
    try {
      return run(work, runtimeDir);
    } finally {
      if (previousConf == null) {
        System.clearProperty(ConfigDirectory.PROPERTY);
      } else {
        System.setProperty(ConfigDirectory.PROPERTY, previousConf);
      }
    }
  }

  private int run(Path work, Path runtimeDir) throws Exception {
    step(
        1,
        "Starting an operator on this machine",
        "The operator runs the service: an HTTP API with accounts and a database (H2 in a file),"
            + " one enclave runtime per app, and an SNI proxy that routes https://<app>."
            + "mse.localhost to it. There is no TEE hardware here, so enclaves run in the mse"
            + " SIMULATED TEE: everything works as on real hardware, but nothing is confidential"
            + " and every check labels it SIMULATED.");
    // The simulated TEE's collateral comes from a simulated PCCS, as real hardware's comes from
    // Intel's: runtimes fetch theirs from it, verifiers when a runtime's is missing or stale.
    SimulatedPccs pccs =
        SimulatedPccs.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            Clock.systemUTC(),
            SimulatedPccs.DEFAULT_VALIDITY);
    OperatorConfig config =
        OperatorConfig.defaults(work.resolve("operator"))
            .withApi("127.0.0.1", LoopbackPorts.free())
            .withProxy("127.0.0.1", LoopbackPorts.free())
            .withPccsUrl(pccs.url());
    LocalOperator operator;
    try {
      operator = LocalOperator.start(new LocalOperator.Settings(config, runtimeDir, "simulation"));
    } catch (Exception | Error e) {
      pccs.close();
      throw e;
    }
    int proxyPort = operator.proxyPort();
    say(
        "API "
            + operator.apiUri()
            + ", proxy 127.0.0.1:"
            + proxyPort
            + ", simulated PCCS "
            + pccs.url());
    Optional<String> appId = Optional.empty();
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch cleaned = new CountDownLatch(1);
    try {
      step(
          2,
          "Creating a demo account",
          "App owners log in with 'mse cloud login' (a browser page, or a token for scripts)."
              + " Here the demo makes an account and logs this CLI in with an API token.");
      AccountService accounts = operator.operator().accounts();
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      Account account =
          accounts.createAccount(EMAIL, Base64.getUrlEncoder().encodeToString(random));
      String token = accounts.createToken(account.id(), "mse demo").secret();
      new CloudLogin(operator.apiUri().toString().replaceAll("/$", ""), EMAIL, token).save();
      say("logged in as " + EMAIL);

      step(
          3,
          "Writing the example app",
          "A small Java web server that listens on $PORT, with a healthcheck, and reads secrets"
              + " that only its enclave receives.");
      Path project = work.resolve("hello");
      if (!Files.exists(project)) {
        AppTemplate.write(project, "hello", Optional.of("default"), Optional.of("4g"));
      }
      say("wrote " + project);

      step(
          4,
          "Deploying it in zero-trust mode",
          "'mse cloud deploy' builds and encrypts the code HERE; the operator only ever receives"
              + " ciphertext. It waits for the app's enclave, verifies its evidence (the runtime"
              + " measurement, this package, this configuration, the app id), and only then"
              + " sends the code key and secrets, sealed to that one enclave. TLS for users ends"
              + " inside the enclave, with a certificate that carries its evidence.");
      StringWriter deployed = new StringWriter();
      int code =
          Main.run(
              new String[] {
                "cloud",
                "deploy",
                "--path",
                project.resolve("mse.toml").toString(),
                "-y",
                "--allow-simulation",
                "--pccs",
                pccs.url().toString(),
                "--json",
                "--workspace",
                work.resolve("workspace").toString()
              },
              new PrintWriter(deployed),
              err);
      if (code != 0) {
        throw new UserError("the demo deployment failed (see above)");
      }
      JsonNode app = Json.MAPPER.readTree(deployed.toString());
      appId = Optional.of(app.path("app_id").asString());
      String domain = app.path("domain").asString();
      String codeSha256 = app.path("code_sha256").asString();
      say("deployed: " + app.path("url").asString());
      say("code fingerprint (what users check): " + codeSha256);

      step(
          5,
          "Verifying the app as one of its users would",
          "A user needs no account: 'mse cloud verify' takes the certificate the app serves"
              + " (the app terminates TLS itself, inside the enclave), asks the enclave at its"
              + " enclave name for evidence made now (for a random nonce) about that very"
              + " certificate's key, checks it against the code fingerprint the owner published,"
              + " and only then writes cert.pem.");
      Path cert = work.resolve("cert.pem");
      code =
          Main.run(
              new String[] {
                "cloud",
                "verify",
                domain + ":" + proxyPort,
                "--fingerprint",
                codeSha256,
                "--allow-simulation",
                "--pccs",
                pccs.url().toString(),
                "--output",
                cert.toString()
              },
              out,
              err);
      if (code != 0) {
        throw new UserError("the demo verification failed (see above)");
      }

      step(
          6,
          "Calling the app",
          "With the verified certificate as the only trusted one, the call reaches the enclave"
              + " through the operator's proxy, which only passes bytes along: it cannot read"
              + " them.");
      String url = "https://" + domain + ":" + proxyPort + "/";
      HttpResponse<String> hello = call(proxyPort, domain, Optional.of(cert));
      say("GET " + url + " -> HTTP " + hello.statusCode());
      hello.body().lines().limit(6).forEach(l -> say("  | " + l));
      try {
        call(proxyPort, domain, Optional.empty());
        say("a client trusting the usual public CAs was NOT refused: unexpected");
      } catch (IOException e) {
        say(
            "a client that skips verification (trusting only the usual public CAs) is refused:"
                + " the certificate is the enclave's own, so nobody can stand in between");
      }

      step(
          7,
          "Your turn",
          exit
              ? "Without --exit the demo keeps running, so that you can call the app yourself"
                  + " (curl resolves *.localhost to this machine):"
              : "curl resolves *.localhost to this machine, so you can call the app yourself:");
      out.println("  curl --cacert " + cert + " " + url);
      out.println(
          "  curl " + url + "   # fails: nothing vouches for this certificate but its evidence");
      out.println(
          "  MSE_CONF_PATH="
              + work.resolve("cli")
              + " "
              + invokedAs()
              + " cloud status "
              + appId.get()
              + "   # the operator's view");
      out.flush();
      if (exit) {
        return 0;
      }
      out.println();
      out.println("mse demo runs until Ctrl-C.");
      out.flush();
      // Ctrl-C: the hook wakes this thread and holds the JVM until the app is stopped.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    interrupted.countDown();
                    try {
                      cleaned.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      interrupted.await();
      return 0;
    } finally {
      out.println("mse demo: stopping");
      out.flush();
      if (appId.isPresent()) {
        Main.run(
            new String[] {"cloud", "stop", appId.get()}, new PrintWriter(new StringWriter()), err);
      }
      try {
        operator.close();
        pccs.close();
        if (dir == null) {
          AppBuilder.deleteTree(work);
        }
      } finally {
        cleaned.countDown();
      }
    }
  }

  private void step(int n, String title, String why) {
    out.println();
    out.println("== " + n + "/7 " + title);
    for (String line : wrap(why, 92)) {
      out.println("   " + line);
    }
    out.flush();
  }

  private void say(String line) {
    out.println("   " + line);
    out.flush();
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + 1 > width && !line.isEmpty()) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(word);
    }
    if (!line.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  /**
   * GET / on the app through the proxy, asking for its domain by SNI (Java does not resolve
   * *.localhost names itself), trusting only {@code cert} or, without it, the JDK's CAs.
   */
  static HttpResponse<String> call(int proxyPort, String domain, Optional<Path> cert)
      throws IOException, InterruptedException {
    SSLParameters sni = new SSLParameters();
    sni.setServerNames(List.of(new SNIHostName(domain)));
    HttpClient.Builder b =
        HttpClient.newBuilder().sslParameters(sni).connectTimeout(Duration.ofSeconds(5));
    if (cert.isPresent()) {
      b.sslContext(trusting(cert.get()));
    }
    try (HttpClient http = b.build()) {
      return http.send(
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + proxyPort + "/"))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static SSLContext trusting(Path cert) throws IOException {
    try (var in = Files.newInputStream(cert)) {
      X509Certificate c =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("app", c);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust " + cert + ": " + e.getMessage(), e);
    }
  }

  /**
   * The command that ran this CLI as the user typed it ({@code ./mse}, a path, or {@code mse} from
   * PATH; the launchers pass it), so that a printed command works from where the user is.
   */
  private static String invokedAs() {
    return asTyped(System.getProperty("mse.invokedAs", ""));
  }

  /** {@code invoked} as one shell word ({@code mse} when unknown), quoted when it must be. */
  static String asTyped(String invoked) {
    if (invoked.isBlank()) {
      return "mse";
    }
    return invoked.matches("[A-Za-z0-9_./+-]+")
        ? invoked
        : "'" + invoked.replace("'", "'\\''") + "'";
  }
}
