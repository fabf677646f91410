package dev.mse.cli.pccs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.PcsClient;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.quote.QuoteParser;
import dev.mse.attestation.sim.SimulatedEnclave;
import dev.mse.attestation.sim.SimulatedTee;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.TeeKind;
import dev.mse.cli.MseCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mse pccs serve --simulation} as its own process, read by the PCS client. */
class PccsServeCommandTest {
  @TempDir Path work;

  @Test
  void servesTheSimulatedTeesCollateralUntilStopped() throws Exception {
    Process serve =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.mse.cli.Main",
                    "pccs",
                    "serve",
                    "--simulation",
                    "--listen",
                    "127.0.0.1:0"))
            .redirectErrorStream(true)
            .start();
    try {
      String line =
          new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertThat(line).contains("SIMULATION ONLY").contains("http://127.0.0.1:");
      URI url = URI.create(line.substring(line.indexOf("http://")));

      SimulatedTee tee = SimulatedTee.create(Clock.systemUTC());
      byte[] quote =
          tee.quote(
              new SimulatedEnclave(
                  ByteString.fromHex("11".repeat(32)),
                  ByteString.fromHex("22".repeat(32)),
                  1,
                  1,
                  false),
              ByteString.fromHex("00".repeat(64)));
      Collateral collateral;
      try (PcsClient client =
          PcsClient.builder(new CollateralCache(work, Clock.systemUTC())).baseUrl(url).build()) {
        collateral = client.fetchFor(QuoteParser.parse(quote));
      }
      Appraisal a =
          QuoteVerifier.full()
              .verify(
                  quote,
                  collateral,
                  AppraisalPolicy.defaults().withAllowSimulation(true),
                  Instant.now());
      assertThat(a.reasons()).isEmpty();
      assertThat(a.tee()).isEqualTo(TeeKind.SIMULATED);
    } finally {
      serve.destroy();
      assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void badArgumentsGiveOneClearLine() {
    MseCli.Run noSimulation = MseCli.run(work, "pccs", "serve");
    assertThat(noSimulation.exitCode()).isNotZero();
    assertThat(noSimulation.err()).contains("--simulation");

    MseCli.Run badListen =
        MseCli.run(work, "pccs", "serve", "--simulation", "--listen", "nowhere").failed();
    assertThat(badListen.err()).contains("--listen must be HOST:PORT");
  }
}
