package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.protocol.provisioning.FileSeal;
import dev.mse.protocol.provisioning.ProvisioningException;
import dev.mse.protocol.provisioning.X25519KeyPair;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home unseal}: a file of 'seal --receiver-public-key' opened with the private key. */
@Command(
    name = "unseal",
    mixinStandardHelpOptions = true,
    description = {
      "Open a file sealed by 'mse home seal --receiver-public-key' with the receiver's private"
          + " key (default: your owner key, so what anyone sealed to your owner.pub). The seal"
          + " also proves who sealed it: --sender-public-key (default: your own owner.pub, for"
          + " what you sealed to yourself). Nothing is written unless it authenticates. Role:"
          + " code provider."
    })
final class UnsealCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "the sealed file")
  Path input;

  @Option(
      names = "--private-key",
      paramLabel = "KEYFILE",
      description =
          "the receiver's X25519 private key, 64 hex digits or 32 raw bytes (default:"
              + " $MSE_CONF_PATH/owner.key)")
  Path privateKey;

  @Option(
      names = "--sender-public-key",
      paramLabel = "PUBFILE",
      description =
          "the public key that must have sealed it, 64 hex digits or 32 raw bytes (default:"
              + " $MSE_CONF_PATH/owner.pub)")
  Path senderPublicKey;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "where to write the content (mode 0600; default: standard output, when text)")
  Path output;

  @Option(names = "--json", description = "print JSON (needs --output)")
  boolean json;

  @Override
  public Integer call() {
    if (json && output == null) {
      throw new UserError("--json needs --output: the content cannot share standard output");
    }
    X25519KeyPair receiver =
        privateKey == null
            ? OwnerKey.load()
            : X25519KeyPair.fromPrivateKey(
                OwnerKey.key32(UserFiles.read(privateKey, "private key"), privateKey));
    X25519PublicKey sender =
        OwnerKey.readPublic(senderPublicKey != null ? senderPublicKey : OwnerKey.publicFile());
    byte[] content;
    try {
      content = FileSeal.open(UserFiles.read(input, "sealed file"), receiver, sender);
    } catch (ProvisioningException e) {
      throw new UserError(
          input + " does not unseal: not sealed to this private key by this sender, or altered", e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output == null) {
      PlaintextOutput.print(content, out);
      return 0;
    }
    PrivateFiles.write(output.toAbsolutePath(), content);
    if (json) {
      ObjectNode n = Json.object();
      n.put("output", output.toAbsolutePath().toString());
      n.put("bytes", content.length);
      n.put("sender_public_key", sender.bytes().hex());
      out.println(Json.write(n));
    } else {
      out.println(
          "unsealed, sealed by "
              + sender.bytes().hex()
              + ": wrote "
              + output.toAbsolutePath()
              + " ("
              + content.length
              + " bytes)");
    }
    out.flush();
    return 0;
  }
}
