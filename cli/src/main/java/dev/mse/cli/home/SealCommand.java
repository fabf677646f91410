package dev.mse.cli.home;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.owner.CodeKeys;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.cli.owner.ProvisioningSealer;
import dev.mse.protocol.pkg.PackageKey;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;

/** {@code mse home seal}: the owner's provisioning, sealed to one verified enclave. */
@Command(
    name = "seal",
    mixinStandardHelpOptions = true,
    description = {
      "Seal, for the enclave of a verified ratls.pem, the provisioning message that the operator"
          + " delivers with 'mse home run --sealed-secrets': the app id, the code key, the secrets"
          + " of --input, and in owner mode the TLS private key. Sealed (HPKE, auth mode) from"
          + " your owner key to the enclave's key in the certificate's claims and bound to its"
          + " deployment config: only that enclave can open it, and it knows you sealed it.",
      "Unlike MSE, the code key travels only inside this sealed file, never in clear to the"
          + " operator ('run --key' does not exist). Role: code provider."
    })
final class SealCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "the secrets to seal, JSON (secrets_to_seal.json); optional")
  Path input;

  @Option(
      names = "--receiver-enclave",
      required = true,
      paramLabel = "RATLS_PEM",
      description = "the enclave's certificate, as written by 'mse home verify'")
  Path receiver;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE",
      description = "the sealed file to give the operator")
  Path output;

  @Option(
      names = "--code-key",
      paramLabel = "KEYFILE",
      description =
          "the package's code key (default: the key 'mse home package' kept for the package the"
              + " certificate names)")
  Path codeKey;

  @Option(
      names = "--ssl-private-key",
      paramLabel = "PEM",
      description = "owner mode: the private key of your CA-issued certificate")
  Path sslPrivateKey;

  @Override
  public Integer call() {
    X509Certificate certificate;
    try {
      certificate = X509Codec.certificate(UserFiles.read(receiver, "receiver certificate"));
    } catch (CertificateException e) {
      throw new UserError(receiver + " is not a certificate: " + e.getMessage(), e);
    }
    AttestationClaims claims = ProvisioningSealer.claims(certificate);
    PackageKey key =
        codeKey != null
            ? CodeKeys.read(codeKey)
            : CodeKeys.find(claims.packageSha256())
                .orElseThrow(
                    () ->
                        new UserError(
                            "no code key kept for the package "
                                + claims.packageSha256().hex()
                                + " that the enclave runs: give --code-key"));
    Optional<byte[]> secrets = Optional.ofNullable(input).map(SealCommand::readJson);
    Optional<String> tlsKey =
        Optional.ofNullable(sslPrivateKey)
            .map(p -> new String(UserFiles.read(p, "TLS private key"), StandardCharsets.UTF_8));
    byte[] sealed =
        ProvisioningSealer.seal(claims, key, Optional.empty(), secrets, tlsKey, OwnerKey.load());
    PrivateFiles.write(output.toAbsolutePath(), sealed);
    PrintWriter out = spec.commandLine().getOut();
    out.println("sealed for the enclave of app " + claims.appId() + " (" + claims.domain() + ")");
    out.println("wrote " + output.toAbsolutePath() + " (" + sealed.length + " bytes)");
    out.println(
        "next: give it to the operator: mse home run <name> --sealed-secrets "
            + output.getFileName());
    out.flush();
    return 0;
  }

  static byte[] readJson(Path file) {
    byte[] bytes = UserFiles.read(file, "secrets file");
    try {
      Json.MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw new UserError(file + " is not JSON: " + e.getOriginalMessage(), e);
    }
    return bytes;
  }
}
