package dev.mse.cli.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.attestation.sim.SimulatedPccs;
import dev.mse.cli.Json;
import dev.mse.cli.MseCli;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --pccs URL} on the home commands that verify a runtime: the runtime {@code home spawn}
 * starts gets its collateral from that PCCS, as hardware does, and this machine's checks of it
 * appraise what the PCCS says. A PCK revoked there makes the spawn refuse, with the reason. The
 * PCCS is recorded with the app, so {@code evidence}, {@code run} and {@code restart} use it too
 * (their own {@code --pccs} overrides it).
 */
class HomePccsTest {
  @TempDir Path work;

  private static SimulatedPccs pccs() throws Exception {
    return SimulatedPccs.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        Clock.systemUTC(),
        SimulatedPccs.DEFAULT_VALIDITY);
  }

  @Test
  void aPckRevokedThroughThePccsMakesSpawnRefuseWithTheReason() throws Exception {
    assumeTrue(
        HomeFlow.runtimeBuilt(),
        "no runtime distribution: build it with ./mvnw package -pl enclave -am");
    try (SimulatedPccs pccs = pccs();
        HomeFlow flow = new HomeFlow(work, "pccsapp")) {
      // The PCCS is up and revokes nothing: the runtime asks it, and the spawn succeeds; the
      // app's record keeps the PCCS, and 'evidence' takes a --pccs of its own.
      flow.spawn("kept", HomeFlow.freePort(), "--pccs", pccs.url().toString());
      assertThat(pccs.served()).as("the runtime asked the PCCS").isPositive();
      assertThat(
              Json.MAPPER
                  .readTree(Files.readString(flow.conf.resolve("home").resolve("kept.json")))
                  .path("pccs_url")
                  .asString())
          .isEqualTo(pccs.url().toString());
      flow.cli(
              "home",
              "evidence",
              "kept",
              "--output",
              work.resolve("again").toString(),
              "--pccs",
              pccs.url().toString())
          .succeeded();

      // The PCCS revokes the platform's PCK: the next runtime's collateral lists it, and the
      // spawn refuses the runtime, saying why.
      pccs.revokePck();
      MseCli.Run revoked =
          flow.trySpawn("revoked", HomeFlow.freePort(), "--pccs", pccs.url().toString());
      revoked.failed();
      assertThat(revoked.err()).contains("failed TLS verification").containsIgnoringCase("revoked");
    }
  }

  @Test
  void everyHomeCommandThatChecksARuntimeTakesAPccs() {
    for (String command : new String[] {"spawn", "evidence", "run", "restart"}) {
      assertThat(MseCli.run(work.resolve("conf"), "home", command, "--help").out())
          .as(command)
          .contains("--pccs");
    }
  }
}
