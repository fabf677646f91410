package dev.mse.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.MseCli;
import dev.mse.operator.node.runtime.LoopbackPorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mse operator serve} on a port someone else holds: one line naming it, exit code 1. */
class ServeBusyPortTest {
  @TempDir Path work;

  @Test
  void aBusyApiPortIsOneLineThatNamesIt() throws Exception {
    Path config = Files.writeString(work.resolve("operator.toml"), "data_dir = \"data\"\n");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MseCli.Run run =
          MseCli.run(
                  work.resolve("conf"),
                  "operator",
                  "serve",
                  "--config",
                  config.toString(),
                  "--runtime",
                  OperatorAccountCommandTest.RUNTIME.toString(),
                  "--tee",
                  "simulation",
                  "--api-port",
                  Integer.toString(taken.getLocalPort()),
                  "--proxy-port",
                  Integer.toString(LoopbackPorts.free()))
              .failed();
      assertThat(run.err().strip())
          .startsWith("mse: a port is busy")
          .contains(Integer.toString(taken.getLocalPort()))
          .contains("--api-port")
          .doesNotContain("\n");
    }
  }
}
