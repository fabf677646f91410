package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home decrypt}: a file of 'mse home encrypt' (or of the app) back in clear. */
@Command(
    name = "decrypt",
    mixinStandardHelpOptions = true,
    description = {
      "Decrypt a file made by 'mse home encrypt', or results the app encrypted with the same key"
          + " and cipher. Nothing is written unless the whole file authenticates. Role: code"
          + " provider."
    })
final class DecryptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "the encrypted file")
  Path input;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEYFILE",
      description = "the key: 64 hex digits or 32 raw bytes")
  Path key;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description =
          "where to write the plaintext (mode 0600; default: standard output, when it is text)")
  Path output;

  @Option(names = "--json", description = "print JSON (needs --output)")
  boolean json;

  @Override
  public Integer call() {
    if (json && output == null) {
      throw new UserError("--json needs --output: the plaintext cannot share standard output");
    }
    byte[] plaintext =
        DataCipher.decrypt(UserFiles.read(input, "input"), DataCipher.read(key), input);
    PrintWriter out = spec.commandLine().getOut();
    if (output == null) {
      // Unlike MSE, whose decrypt without --output printed the ciphertext.
      PlaintextOutput.print(plaintext, out);
      return 0;
    }
    PrivateFiles.write(output.toAbsolutePath(), plaintext);
    if (json) {
      ObjectNode n = Json.object();
      n.put("output", output.toAbsolutePath().toString());
      n.put("bytes", plaintext.length);
      out.println(Json.write(n));
    } else {
      out.println("wrote " + output.toAbsolutePath() + " (" + plaintext.length + " bytes)");
    }
    out.flush();
    return 0;
  }
}
