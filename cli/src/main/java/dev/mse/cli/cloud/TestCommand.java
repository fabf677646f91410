package dev.mse.cli.cloud;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.enclave.CapturingTrust;
import dev.mse.cli.enclave.EnclaveClient;
import dev.mse.cli.enclave.FreshEvidence;
import dev.mse.cli.enclave.ServedCertificate;
import dev.mse.cli.owner.RemoteTests;
import dev.mse.cli.quote.PccsOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mse cloud test APP_ID}: run the app's tests against the deployed app. Nothing the tests
 * get comes from the operator's word: the URL is made from the domain in the claims of the enclave
 * verified here and the proxy this CLI verified it through, so an operator cannot point the tests
 * (and whatever they send) elsewhere.
 */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Run the app's tests_cmd (mse.toml) against the deployed app. The enclave is verified first"
          + " against what you deployed (app id, deployment config, code); TEST_REMOTE_URL is"
          + " then https://<the domain in its verified claims>:<the operator's proxy port>, and"
          + " in zero-trust mode TEST_CA_CERT names its verified certificate. Java tests resolve"
          + " the app's domain to the operator's proxy (JDK_JAVA_OPTIONS points the JDK at a"
          + " hosts file). No login needed."
    })
final class TestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "APP_ID", description = "the app's UUID")
  UUID id;

  @Mixin PolicyOptions policyOptions;

  @Mixin PccsOption pccsOption;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AppraisalPolicy policy = policyOptions.policy(true, err);
    AppContext context =
        AppContext.find(id)
            .orElseThrow(
                () -> new UserError("no context for " + id + ": deploy it from this machine"));
    String testsCmd =
        context
            .testsCmd()
            .orElseThrow(() -> new UserError("mse.toml has no tests_cmd for " + context.name()));
    // The app's name serves the app's own certificate (zero trust: the enclave's RA-TLS key;
    // owner mode: the owner's), which fresh evidence from the enclave name must vouch for. With
    // --untrusted-ssl the operator's certificate is served there, so the enclave name's is checked.
    boolean zeroTrust = context.sslOrigin().equals("self");
    String servedName =
        context.sslOrigin().equals("operator") ? context.enclaveDomain() : context.domain();
    X509Certificate served =
        ServedCertificate.fetch(
            "the app at " + servedName,
            context.proxyHost(),
            context.proxyPort(),
            Optional.of(servedName));
    EnclaveClient enclave =
        new EnclaveClient(
            "the enclave of " + context.domain() + " (" + context.enclaveDomain() + ")",
            context.proxyHost(),
            context.proxyPort(),
            Optional.of(context.enclaveDomain()),
            CapturingTrust.context());
    FreshEvidence fresh = FreshEvidence.forServed(enclave, served);
    RaTlsOptions options =
        RaTlsOptions.none()
            .withNonce(fresh.claims().nonce().orElseThrow())
            .withAppId(id)
            .withConfigSha256(
                ByteString.of(context.deploymentConfig().getBytes(StandardCharsets.UTF_8)).sha256())
            .withCodeSha256(ByteString.of(HexFormat.of().parseHex(context.codeSha256())));
    if (VerifyCommand.check(
            context.domain(),
            fresh,
            VerifyCommand.collateral(fresh, pccsOption.url(), err),
            policy,
            options,
            Optional.empty(),
            err)
        == null) {
      return 1;
    }
    out.println("verified the enclave of " + context.domain());
    // The claims' domain is bound by the config digest just checked: the owner's, not the
    // operator's, choice.
    String domain = fresh.claims().domain();
    String url =
        "https://" + domain + (context.proxyPort() == 443 ? "" : ":" + context.proxyPort());
    Path dir = AppContext.dir(id);
    Optional<Path> cert = Optional.empty();
    if (zeroTrust) {
      cert = Optional.of(dir.resolve("cert.pem"));
      PrivateFiles.writePublic(
          cert.get(), fresh.certificatePem().getBytes(StandardCharsets.US_ASCII));
    }
    return RemoteTests.run(
        testsCmd,
        Path.of(context.testsDir().orElse(".")),
        new RemoteTests.Target(url, domain, address(context.proxyHost()), cert),
        dir.resolve("hosts"),
        out);
  }

  private static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new UserError("cannot resolve the operator's proxy " + host, e);
    }
  }
}
