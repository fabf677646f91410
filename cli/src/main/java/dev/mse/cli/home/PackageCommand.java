package dev.mse.cli.home;

import dev.mse.cli.Json;
import dev.mse.cli.owner.AppPackager;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.cli.owner.ProjectPackage;
import dev.mse.protocol.config.MseToml;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code mse home package}: build, archive and encrypt the app. */
@Command(
    name = "package",
    mixinStandardHelpOptions = true,
    description = {
      "Build the project (with its Maven wrapper, or by compiling src/main/java), archive the"
          + " build output (app.jar, lib/*.jar, minus .mseignore) and encrypt it with a fresh code"
          + " key. Writes OUT/package_<name>_<unix ns>.tar and its key"
          + " OUT/package_<name>_<unix ns>.key (mode 0600; also kept in $MSE_CONF_PATH/packages)."
          + " Makes the owner key pair $MSE_CONF_PATH/owner.key and owner.pub on first use.",
      "Unlike MSE, the code is always encrypted (there is no --encrypt) and the key is never"
          + " printed: it only leaves this machine sealed to a verified enclave ('mse home seal').",
      "Role: code provider."
    })
final class PackageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--project",
      required = true,
      paramLabel = "DIR",
      description = "the app project (holds mse.toml)")
  Path project;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "OUT",
      description = "where to write the package and its key")
  Path output;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = project.toAbsolutePath().normalize();
    MseToml toml = ProjectPackage.readToml(dir.resolve(MseToml.FILE_NAME));
    // With --json, the notes of the build go to stderr: stdout holds one JSON object.
    PrintWriter notes = json ? spec.commandLine().getErr() : out;
    OwnerKey.loadOrCreate(notes);
    AppPackager.Result r = ProjectPackage.create(toml, output, notes);
    if (json) {
      ObjectNode n = Json.object();
      n.put("package", r.packageFile().toString());
      n.put("code_key", r.keyFile().toString());
      n.put("package_sha256", r.packageSha256().hex());
      n.put("code_sha256", r.codeSha256().hex());
      n.put("owner_public_key", OwnerKey.publicFile().toString());
      out.println(Json.write(n));
      out.flush();
      return 0;
    }
    out.println("package:        " + r.packageFile());
    out.println("code key:       " + r.keyFile() + " (keep it secret)");
    out.println("package sha256: " + r.packageSha256().hex());
    out.println("code sha256:    " + r.codeSha256().hex());
    out.println("owner key:      " + OwnerKey.publicFile() + " (give it to the operator)");
    out.flush();
    return 0;
  }
}
