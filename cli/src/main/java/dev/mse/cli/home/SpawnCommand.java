package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.UserFiles;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.cli.quote.PccsOption;
import dev.mse.cli.runtime.RuntimeDistribution;
import dev.mse.operator.node.runtime.TeeDetection;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.pkg.AppPackage;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home spawn NAME}: start the runtime for a package on this machine. */
@Command(
    name = "spawn",
    mixinStandardHelpOptions = true,
    description = {
      "Start the mse runtime for a package, as its own process: writes DIR/deployment.json (app"
          + " id, expiry, domain = --san, the owner key), starts the runtime (log DIR/runtime.log,"
          + " pid DIR/runtime.pid, sealed state DIR/state), waits until it waits for its owner, and"
          + " writes its evidence DIR/evidence.json and certificate DIR/ratls.pem for the code"
          + " provider. Without TEE hardware it uses the simulated TEE, which is not confidential.",
      "With --tee gramine-sgx it renders the Gramine manifest into DIR, signs it"
          + " (gramine-manifest, gramine-sgx-sign --key --signer-key) and starts gramine-sgx, never a"
          + " plain JVM: Gramine must be installed (on PATH) and --signer-key given.",
      "With --pccs URL the runtime gets the collateral of its quotes from that PCCS (the simulated"
          + " TEE too, as hardware does), and this machine's checks of the runtime fetch there when"
          + " its certificate holds none valid now; later home commands use the same PCCS.",
      "Unlike MSE, the connection to the runtime is verified (its RA-TLS certificate must name"
          + " this app, package and config). Role: SGX operator."
    })
final class SpawnCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "a name for the app on this machine")
  String name;

  @Option(
      names = "--package",
      required = true,
      paramLabel = "FILE",
      description = "the code provider's package")
  Path packageFile;

  @Option(
      names = "--san",
      required = true,
      paramLabel = "NAME",
      description = "the app's domain: subject alternative name of its certificate")
  String san;

  @Option(
      names = "--port",
      defaultValue = "443",
      paramLabel = "N",
      description =
          "the app's port, where the app serves its own TLS and users call it (default:"
              + " ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--enclave-port",
      paramLabel = "N",
      description =
          "the runtime's own port: status, evidence (what 'mse home verify --connect' and users"
              + " check the app's certificate against) and provisioning (default: --port + 1)")
  Integer enclavePort;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      paramLabel = "H",
      description = "the address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(
      names = "--size",
      required = true,
      paramLabel = "MB",
      description =
          "enclave memory in MB: a power of two, at least 1024 (the JVM heap, which the app"
              + " shares with the runtime, gets a quarter; the rest holds the JVM itself)")
  int size;

  @Option(
      names = "--days",
      defaultValue = "365",
      paramLabel = "N",
      description = "days until the app expires (default: ${DEFAULT-VALUE})")
  int days;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "the app's directory on this machine")
  Path output;

  @Option(
      names = "--tee",
      paramLabel = "TEE",
      description =
          "simulation, gramine-sgx or tsm (default: tsm in a confidential VM, gramine-sgx inside"
              + " Gramine, else simulation)")
  String tee;

  @Option(
      names = "--owner-key",
      paramLabel = "PUBFILE",
      description = "the code provider's owner.pub (default: $MSE_CONF_PATH/owner.pub)")
  Path ownerKey;

  @Option(
      names = "--certificate",
      paramLabel = "FULLCHAIN",
      description =
          "app owner's mode: the owner's CA-issued certificate chain (PEM) for --san. The enclave"
              + " serves it, with the key the code provider seals to it ('seal"
              + " --ssl-private-key'), to clients asking for --san; RA-TLS to everyone else")
  Path certificate;

  @Option(
      names = "--timeout",
      defaultValue = "1440",
      paramLabel = "MIN",
      description =
          "minutes the runtime waits for its owner's provisioning (default: ${DEFAULT-VALUE})")
  long timeout;

  @Option(
      names = "--runtime",
      paramLabel = "DIR",
      description = "the runtime distribution (default: as 'mse runtime measurement')")
  Path runtime;

  @Option(
      names = "--signer-key",
      paramLabel = "FILE",
      description =
          "--tee gramine-sgx: the enclave signing key (PEM, RSA-3072 with exponent 3, as"
              + " gramine-sgx-gen-private-key makes), with which gramine-sgx-sign signs the"
              + " rendered manifest; its public half is the enclave's MRSIGNER")
  Path signerKey;

  @Option(
      names = "--subject",
      paramLabel = "X500_NAME",
      description =
          "the subject of the enclave's RA-TLS certificate, e.g. \"CN=app.example.com,O=Example\""
              + " (default: CN=<--san>); it is in the deployment config, so in config-sha256")
  String subject;

  @Mixin PccsOption pccsOption;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Option(
      names = "--allow-simulation",
      description =
          "accept SIMULATED evidence from a hardware backend: a tsm runtime whose configfs-tsm"
              + " (-Dmse.tsm.root or $MSE_TSM_ROOT) is served by the simulated SEV-SNP signer, whose"
              + " VCEK comes from the simulated KDS (-Dmse.kds.url or $MSE_KDS_URL). Not"
              + " confidential: tests and demos only")
  boolean allowSimulation;

  /** The subject in the one form a deployment config holds; a bad one is one clear line. */
  private static String subject(String name) {
    try {
      return DeploymentConfig.certificateSubject(name);
    } catch (IllegalArgumentException e) {
      throw new dev.mse.cli.UserError("--subject: " + e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    // With --json, the notes go to stderr: stdout holds one JSON object.
    PrintWriter out = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    AppPackage pkg = VerifyCommand.readPackage(packageFile);
    String chosenTee = tee;
    if (chosenTee == null) {
      Optional<String> detected = TeeDetection.detect();
      if (detected.isEmpty()) {
        out.println("no TEE on this machine: using the simulated TEE (not confidential)");
      }
      chosenTee = detected.orElse("simulation");
    } else if (!chosenTee.matches("simulation|gramine-sgx|tsm")) {
      throw new dev.mse.cli.UserError(
          "--tee must be simulation, gramine-sgx or tsm, got '" + chosenTee + "'");
    } else if (chosenTee.equals("simulation")) {
      out.println("using the simulated TEE (not confidential)");
    }
    out.flush();
    Spawner.Request request =
        new Spawner.Request(
            name,
            packageFile,
            san,
            host,
            port,
            enclavePort != null ? enclavePort : port + 1,
            size,
            days,
            output,
            chosenTee,
            OwnerKey.readPublic(ownerKey != null ? ownerKey : OwnerKey.publicFile()),
            RuntimeDistribution.locate(Optional.ofNullable(runtime)),
            timeout,
            Optional.ofNullable(certificate)
                .map(c -> new String(UserFiles.read(c, "certificate"), StandardCharsets.US_ASCII)),
            allowSimulation,
            Optional.ofNullable(signerKey),
            Optional.ofNullable(subject).map(SpawnCommand::subject),
            pccsOption.url());
    HomeApp app =
        Spawner.spawn(
            request,
            pkg,
            new dev.mse.cli.WaitProgress(
                spec.commandLine().getErr(), "the runtime of '" + name + "'"));
    if (json) {
      ObjectNode n = ListCommand.json(app, NodeState.of(app));
      n.put("url", "https://" + app.san() + ":" + app.port() + "/");
      n.put("evidence", app.evidenceFile().toString());
      n.put("ratls", app.certificateFile().toString());
      RuntimeProcess.gramineMeasurement(app)
          .ifPresent(
              sig -> {
                n.put("mrenclave", sig.mrEnclave().hex());
                n.put("mrsigner", sig.mrSigner().hex());
              });
      spec.commandLine().getOut().println(Json.write(n));
      spec.commandLine().getOut().flush();
      return 0;
    }
    out.println("spawned " + app.name() + ": waiting for its owner's provisioning");
    out.println("  app id:   " + app.appId());
    out.println("  url:      https://" + app.san() + ":" + app.port() + "/");
    out.println("  enclave:  https://" + app.san() + ":" + app.enclavePort() + "/.well-known/mse/");
    if (certificate != null) {
      out.println("  trust:    the owner's certificate for " + app.san() + " (RA-TLS otherwise)");
    }
    out.println(
        "  tee:      " + app.tee() + (app.simulated() ? " (SIMULATED: not confidential)" : ""));
    RuntimeProcess.gramineMeasurement(app)
        .ifPresent(
            sig -> {
              out.println("  mrenclave: " + sig.mrEnclave().hex());
              out.println("  mrsigner:  " + sig.mrSigner().hex());
            });
    out.println("  expires:  " + app.expires());
    out.println("  evidence: " + app.evidenceFile());
    out.println("  ratls:    " + app.certificateFile());
    out.println(
        "next: give evidence.json to the code provider ('mse home verify'), then 'mse home run "
            + app.name()
            + " --sealed-secrets FILE'");
    out.flush();
    return 0;
  }
}
