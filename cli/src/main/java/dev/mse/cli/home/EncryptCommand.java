package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserFiles;
import dev.mse.protocol.pkg.PackageKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home encrypt}: a data file encrypted with a key the app also holds. */
@Command(
    name = "encrypt",
    mixinStandardHelpOptions = true,
    description = {
      "Encrypt a file with a symmetric key (AES-256-GCM, the package cipher), for an app that"
          + " holds the same key: seal the key's 64 hex digits to the enclave in"
          + " secrets_to_seal.json ('mse home seal') and only you and that enclave can read the"
          + " data. The app writes its results the same way; 'mse home decrypt' reads them.",
      "When --key does not exist, a fresh key is made there (mode 0600). Role: code provider."
    })
final class EncryptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "the file")
  Path input;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEYFILE",
      description = "the key: 64 hex digits or 32 raw bytes; made when it does not exist")
  Path key;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE",
      description = "the encrypted file")
  Path output;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    byte[] plaintext = UserFiles.read(input, "input");
    boolean made = !Files.exists(key);
    PackageKey k = made ? DataCipher.create(key) : DataCipher.read(key);
    byte[] encrypted = DataCipher.encrypt(plaintext, k);
    PrivateFiles.writePublic(output.toAbsolutePath(), encrypted);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode n = Json.object();
      n.put("output", output.toAbsolutePath().toString());
      n.put("bytes", encrypted.length);
      n.put("key", key.toAbsolutePath().toString());
      n.put("key_made", made);
      out.println(Json.write(n));
    } else {
      if (made) {
        out.println("made a new key " + key.toAbsolutePath() + " (keep it; mode 0600)");
      }
      out.println("wrote " + output.toAbsolutePath() + " (" + encrypted.length + " bytes)");
    }
    out.flush();
    return 0;
  }
}
