package dev.mse.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.cli.MseCli;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.testing.GramineStandIns;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mse operator serve --tee gramine-sgx} refuses to start, in one line, without Gramine's
 * executables or without {@code [gramine] signer_key}: its nodes could only run as plain JVMs.
 */
class ServeGramineTest {
  @TempDir Path work;

  @AfterEach
  void clear() {
    System.clearProperty("mse.gramine.bin");
  }

  private MseCli.Run serve(Path config) {
    return MseCli.run(
            work.resolve("conf"),
            "operator",
            "serve",
            "--config",
            config.toString(),
            "--runtime",
            OperatorAccountCommandTest.RUNTIME.toString(),
            "--tee",
            "gramine-sgx",
            "--api-port",
            "0",
            "--proxy-port",
            Integer.toString(LoopbackPorts.free()))
        .failed();
  }

  @Test
  void withoutGramineOrItsSigningKeyTheOperatorDoesNotStart() throws Exception {
    Path config = Files.writeString(work.resolve("operator.toml"), "data_dir = \"data\"\n");
    Path empty = Files.createDirectories(work.resolve("no-gramine"));
    System.setProperty("mse.gramine.bin", empty.toString());
    MseCli.Run noGramine = serve(config);
    assertThat(noGramine.err().strip())
        .startsWith("mse: tee gramine-sgx needs Gramine")
        .contains("gramine-manifest, gramine-sgx-sign, gramine-sgx are not in " + empty)
        .doesNotContain("\n");

    GramineStandIns s = GramineStandIns.install(work, "exit 3");
    System.setProperty("mse.gramine.bin", s.bin.toString());
    MseCli.Run noKey = serve(config);
    assertThat(noKey.err().strip())
        .startsWith("mse: tee gramine-sgx needs the enclave signing key")
        .contains("[gramine] signer_key")
        .doesNotContain("\n");
    assertThat(work.resolve("data").resolve("nodes")).doesNotExist();
  }
}
