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
import dev.mse.protocol.provisioning.FileSeal;
import dev.mse.protocol.provisioning.X25519PublicKey;
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
import tools.jackson.databind.node.ObjectNode;

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
      paramLabel = "RATLS_PEM",
      description = "the enclave's certificate, as written by 'mse home verify'")
  Path receiver;

  @Option(
      names = "--receiver-public-key",
      paramLabel = "PUBFILE",
      description =
          "instead of an enclave: seal the --input file alone, from your owner key to this X25519"
              + " public key (64 hex digits or 32 raw bytes); its holder opens it with 'mse home"
              + " unseal'")
  Path receiverPublicKey;

  @Option(names = "--json", description = "print JSON")
  boolean json;

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
    if ((receiver == null) == (receiverPublicKey == null)) {
      throw new UserError("give one of --receiver-enclave and --receiver-public-key");
    }
    if (receiverPublicKey != null) {
      return sealToPublicKey();
    }
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
    if (json) {
      ObjectNode n = Json.object();
      n.put("app_id", claims.appId().toString());
      n.put("domain", claims.domain());
      n.put("output", output.toAbsolutePath().toString());
      n.put("bytes", sealed.length);
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.println("sealed for the enclave of app " + claims.appId() + " (" + claims.domain() + ")");
    out.println("wrote " + output.toAbsolutePath() + " (" + sealed.length + " bytes)");
    out.println(
        "next: give it to the operator: mse home run <name> --sealed-secrets "
            + output.getFileName());
    out.flush();
    return 0;
  }

  private int sealToPublicKey() {
    if (input == null || codeKey != null || sslPrivateKey != null) {
      throw new UserError(
          "--receiver-public-key seals the --input file alone: give --input, and neither"
              + " --code-key nor --ssl-private-key");
    }
    X25519PublicKey to = OwnerKey.readPublic(receiverPublicKey);
    byte[] sealed =
        FileSeal.seal(
            UserFiles.read(input, "input"), OwnerKey.loadOrCreate(spec.commandLine().getErr()), to);
    PrivateFiles.writePublic(output.toAbsolutePath(), sealed);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode n = Json.object();
      n.put("receiver_public_key", to.bytes().hex());
      n.put("output", output.toAbsolutePath().toString());
      n.put("bytes", sealed.length);
      out.println(Json.write(n));
    } else {
      out.println("sealed for the public key " + to.bytes().hex());
      out.println("wrote " + output.toAbsolutePath() + " (" + sealed.length + " bytes)");
    }
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
