package dev.mse.cli.owner;

import dev.mse.cli.PrivateFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The app's {@code tests_cmd} run against the deployed app, as MSE's {@code test}: with {@code
 * TEST_REMOTE_URL} (and, when the app serves an enclave's certificate, {@code TEST_CA_CERT} naming
 * it), and the app's domain resolved to where it is served through a hosts file that {@code
 * JDK_JAVA_OPTIONS} points Java tests at. What {@code mse cloud test} and {@code mse home test}
 * share; each verifies the enclave before it calls this.
 */
public final class RemoteTests {
  private RemoteTests() {}

  /**
   * @param url what {@code TEST_REMOTE_URL} is: https://domain[:port]
   * @param domain the app's domain, which the tests resolve to {@code address}
   * @param address the IP address the app is served at
   * @param caCertificate the verified certificate the tests trust, when the app serves one
   */
  public record Target(String url, String domain, String address, Optional<Path> caCertificate) {}

  /**
   * Runs {@code testsCmd} with {@code sh -c} in {@code directory}, its output on this process's;
   * writes {@code hostsFile}.
   *
   * @return 0 when the tests passed, else 1
   */
  public static int run(
      String testsCmd, Path directory, Target target, Path hostsFile, PrintWriter out)
      throws IOException, InterruptedException {
    return run(testsCmd, directory, target, hostsFile, out, false);
  }

  /**
   * As above; with {@code outputToStderr} the tests' standard output goes to this process's
   * standard error, so that standard output holds a {@code --json} result alone.
   */
  public static int run(
      String testsCmd,
      Path directory,
      Target target,
      Path hostsFile,
      PrintWriter out,
      boolean outputToStderr)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("sh", "-c", testsCmd).directory(directory.toFile()).inheritIO();
    if (outputToStderr) {
      // Appended, not truncated: stderr may be a log file.
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File("/dev/stderr")));
    }
    pb.environment().put("TEST_REMOTE_URL", target.url());
    target.caCertificate().ifPresent(c -> pb.environment().put("TEST_CA_CERT", c.toString()));
    PrivateFiles.writePublic(
        hostsFile,
        (target.address() + " " + target.domain() + "\n").getBytes(StandardCharsets.US_ASCII));
    String javaOptions = System.getenv("JDK_JAVA_OPTIONS");
    pb.environment()
        .put(
            "JDK_JAVA_OPTIONS",
            (javaOptions == null ? "" : javaOptions + " ") + "-Djdk.net.hosts.file=" + hostsFile);
    out.println("running: " + testsCmd + " (TEST_REMOTE_URL=" + target.url() + ")");
    out.flush();
    int code = pb.start().waitFor();
    out.println(code == 0 ? "tests passed" : "tests failed (exit " + code + ")");
    out.flush();
    return code == 0 ? 0 : 1;
  }
}
