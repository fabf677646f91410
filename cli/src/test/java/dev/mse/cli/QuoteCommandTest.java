package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundle;
import dev.mse.attestation.collateral.CollateralBundleWriter;
import dev.mse.attestation.sim.SimulatedEnclave;
import dev.mse.attestation.sim.SimulatedTee;
import dev.mse.attestation.testing.TestVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class QuoteCommandTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static String vector(String relative) {
    return TestVectors.path(relative).toString();
  }

  @Test
  void showPrintsEveryFieldOfAnSgxQuote() {
    CliRun run = CliRun.of("quote", "show", vector("sgx/dcap-qvl/sgx_quote"));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("version: 3")
        .contains("mrenclave: 33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb")
        .contains("fmspc: 00a067110000")
        .contains("qe_report:");
  }

  @Test
  void showReadsHexQuotesAndPrintsJson() {
    CliRun run = CliRun.of("quote", "show", vector("tdx/dcap-qvl/tdx-quote.hex"), "--json");

    assertThat(run.exitCode()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("version").asInt()).isEqualTo(4);
    assertThat(json.get("tee_type").asString()).isEqualTo("TDX");
    assertThat(json.get("report").get("mrtd").asString()).startsWith("7ba9e262");
    assertThat(json.get("trailing_bytes").asInt()).isPositive();
  }

  @Test
  void verifyAcceptsAnUpToDateTdAndSaysSoInJson() {
    CliRun run =
        CliRun.of(
            "quote",
            "verify",
            vector("tdx/dcap-qvl/tdx_quote"),
            "--collateral",
            vector("tdx/dcap-qvl/tdx_quote_collateral.json"),
            "--at",
            "2025-07-19T10:00:34Z",
            "--json");

    assertThat(run.exitCode()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("verdict").asString()).isEqualTo("ACCEPTED");
    assertThat(json.get("tee").asString()).isEqualTo("TDX");
    assertThat(json.get("tcb_status").asString()).isEqualTo("UpToDate");
    assertThat(json.get("advisory_ids").isEmpty()).isTrue();
    assertThat(json.get("measurements").get("mrtd").asString()).startsWith("91eb2b44");
    assertThat(json.get("report_data").asString()).startsWith("9a9d48e7");
    assertThat(json.get("reasons").isEmpty()).isTrue();
  }

  @Test
  void verifyRejectsWithExitOneAndTheReasons() {
    CliRun run =
        CliRun.of(
            "quote",
            "verify",
            vector("sgx/dcap-qvl/sgx_quote"),
            "--collateral",
            vector("sgx/dcap-qvl/sgx_quote_collateral.json"),
            "--at",
            "1752919277");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .startsWith(
            "REJECTED  SGX quote, TCB ConfigurationAndSWHardeningNeeded, advisories INTEL-SA-00289 INTEL-SA-00615")
        .contains(
            "the platform's TCB status is ConfigurationAndSWHardeningNeeded, which the policy does not accept");
  }

  @Test
  void verifyTakesSeparatePcsFilesWithTheShippedSigningChain(@TempDir Path dir) throws Exception {
    String[] files = {
      "quote",
      "verify",
      vector("tdx/automata/quote_v4_fmspc00806f050000.bin"),
      "--tcb-info",
      vector("tdx/automata/0625/tcbinfov3_00806f050000.json"),
      "--qe-identity",
      vector("tdx/automata/0625/qe_td.json"),
      "--pck-crl",
      vector("tdx/automata/0625/platform_crl.der"),
      "--root-crl",
      vector("sgx/automata/common/intel_sgx_root_ca_crl.der"),
      "--at",
      "1749095100",
      "--json"
    };
    CliRun rejected = CliRun.of(files);
    assertThat(rejected.exitCode()).isEqualTo(1);
    assertThat(JSON.readTree(rejected.out()).get("tcb_status").asString()).isEqualTo("OutOfDate");

    Path policy = dir.resolve("policy.toml");
    Files.writeString(policy, "[tcb]\naccepted_statuses = [\"UpToDate\", \"OutOfDate\"]\n");
    String[] withPolicy = java.util.Arrays.copyOf(files, files.length + 2);
    withPolicy[files.length] = "--policy";
    withPolicy[files.length + 1] = policy.toString();
    assertThat(CliRun.of(withPolicy).exitCode()).isZero();
  }

  @Test
  void simulatedEvidenceIsRefusedUnlessAllowed(@TempDir Path dir) throws Exception {
    SimulatedTee tee = SimulatedTee.create(Clock.systemUTC());
    byte[] quote =
        tee.quote(
            new SimulatedEnclave(
                ByteString.fromHex("11".repeat(32)),
                ByteString.fromHex("22".repeat(32)),
                0,
                0,
                false),
            ByteString.fromHex("33".repeat(64)));
    Path quoteFile = Files.write(dir.resolve("quote.bin"), quote);
    Path collateral =
        Files.write(
            dir.resolve("collateral.json"),
            CollateralBundleWriter.write(
                    new CollateralBundle(tee.collateral(), Instant.now(), Optional.empty()))
                .toByteArray());

    CliRun refused =
        CliRun.of("quote", "verify", quoteFile.toString(), "--collateral", collateral.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out()).startsWith("REJECTED  SIMULATED quote").contains("[simulation]");

    CliRun allowed =
        CliRun.of(
            "quote",
            "verify",
            quoteFile.toString(),
            "--collateral",
            collateral.toString(),
            "--allow-simulation");
    assertThat(allowed.exitCode()).isZero();
    assertThat(allowed.out()).startsWith("ACCEPTED  SIMULATED quote");
  }

  @Test
  void aMissingFileIsOneClearLine(@TempDir Path dir) {
    CliRun run = CliRun.of("quote", "show", dir.resolve("nope.bin").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip())
        .isEqualTo("mse: quote file " + dir.resolve("nope.bin") + " does not exist");
  }

  @Test
  void garbageIsNotAQuote(@TempDir Path dir) throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.txt"), "hello, world");

    CliRun run = CliRun.of("quote", "show", garbage.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("mse: " + garbage + " is not");
  }

  @Test
  void aMalformedPolicyIsOneClearLine(@TempDir Path dir) throws Exception {
    Path policy = Files.writeString(dir.resolve("p.toml"), "[sgx]\nmrenclaves = []\n");

    CliRun run =
        CliRun.of(
            "quote",
            "verify",
            vector("sgx/dcap-qvl/sgx_quote"),
            "--collateral",
            vector("sgx/dcap-qvl/sgx_quote_collateral.json"),
            "--policy",
            policy.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip())
        .isEqualTo(
            "mse: policy "
                + policy
                + ": unknown key 'mrenclaves' in [sgx] (known: isv_prod_id, min_isv_svn, mrenclave, mrsigner)");
  }

  @Test
  void aBadTimeOrMissingCollateralIsAUsageError() {
    CliRun badTime =
        CliRun.of(
            "quote",
            "verify",
            vector("sgx/dcap-qvl/sgx_quote"),
            "--collateral",
            vector("sgx/dcap-qvl/sgx_quote_collateral.json"),
            "--at",
            "yesterday");
    assertThat(badTime.exitCode()).isEqualTo(1);
    assertThat(badTime.err()).contains("'yesterday' is not a time");

    CliRun noCollateral = CliRun.of("quote", "verify", vector("sgx/dcap-qvl/sgx_quote"));
    assertThat(noCollateral.exitCode()).isEqualTo(1);
    assertThat(noCollateral.err()).contains("--collateral").contains("--pccs");
  }

  @Test
  void collateralThatIsNotCollateralIsOneClearLine() {
    CliRun run =
        CliRun.of(
            "quote",
            "verify",
            vector("sgx/dcap-qvl/sgx_quote"),
            "--collateral",
            vector("sgx/dcap-qvl/sgx_quote"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("mse: the collateral cannot be read");
  }
}
