package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.testing.TestVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code mse quote verify|show} on SEV-SNP reports and Nitro documents, and on what is neither. */
class QuoteEvidenceCommandTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static String vector(String relative) {
    return TestVectors.path(relative).toString();
  }

  @Test
  void verifiesAnSnpReportWithItsVcek() {
    CliRun run =
        CliRun.of(
            "quote",
            "verify",
            vector("snp/virtee-sev/report_milan.hex"),
            "--vcek",
            vector("snp/virtee-sev/vcek_milan.der"),
            "--at",
            "2024-01-01T00:00:00Z",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("verdict").asString()).isEqualTo("ACCEPTED");
    assertThat(json.get("tee").asString()).isEqualTo("SNP");
    JsonNode m = json.get("measurements");
    assertThat(m.get("measurement").asString()).startsWith("7a1e5c266c0108db");
    assertThat(m.get("chip_id").asString()).startsWith("d49554ec717f4e5b");
    assertThat(m.get("reported_tcb").asString()).isEqualTo("7308000000000003");
    assertThat(m.get("report_data").asString()).startsWith("d447b55d");
    assertThat(m.get("revocation").asString()).isEqualTo("not checked");
  }

  @Test
  void refusesTheDebugSnpGuestByDefaultAndSaysWhy() {
    CliRun run =
        CliRun.of(
            "quote",
            "verify",
            vector("snp/go-sev-guest/attestation.bin"),
            "--vcek",
            vector("snp/go-sev-guest/vcek.der"),
            "--at",
            "2024-01-01T00:00:00Z");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("REJECTED  SNP report").contains("[debug]");
  }

  @Test
  void anSnpReportWithoutItsKeyIsOneClearError() {
    CliRun run = CliRun.of("quote", "verify", vector("snp/trustee/test-report.bin"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("--vcek FILE");
  }

  @Test
  void verifiesANitroDocumentAtItsTimestamp() {
    CliRun run =
        CliRun.of(
            "quote",
            "verify",
            vector("nitro/evervault/beta/valid-attestation-doc-bytes"),
            "--at",
            "2022-10-13T09:00:00Z",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("tee").asString()).isEqualTo("NITRO");
    JsonNode m = json.get("measurements");
    assertThat(m.get("pcr0").asString()).startsWith("f4d48b81a460c991");
    assertThat(m.get("pcr15").asString()).isEqualTo("00".repeat(48));
    assertThat(m.get("module_id").asString()).isEqualTo("i-020b6af9246d90e92-enc0183d09086c24190");
    assertThat(m.has("nonce")).isTrue();
  }

  @Test
  void refusesADebugNitroDocumentUnlessThePolicyAllowsIt(@TempDir Path dir) throws Exception {
    String doc = vector("nitro/evervault/valid-attestation-doc-base64");
    CliRun refused = CliRun.of("quote", "verify", doc, "--at", "2023-09-18T15:10:00Z");
    Path policy = dir.resolve("policy.toml");
    Files.writeString(policy, "[nitro]\nallow_debug = true\n");
    CliRun allowed =
        CliRun.of(
            "quote", "verify", doc, "--at", "2023-09-18T15:10:00Z", "--policy", policy.toString());

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out()).contains("REJECTED  NITRO attestation document").contains("[debug]");
    assertThat(allowed.exitCode()).as(allowed.out()).isZero();
  }

  @Test
  void aForcedKindThatDoesNotFitIsRejected() {
    CliRun run =
        CliRun.of(
            "quote", "verify", vector("snp/trustee/test-report.bin"), "--tee", "nitro", "--json");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(JSON.readTree(run.out()).get("reasons").get(0).get("check").asString())
        .isEqualTo("nitro_document_format");
  }

  @Test
  void aFileThatIsNoEvidenceSaysSoInOneLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("notes.bin");
    Files.write(file, new byte[] {0x7f, 'E', 'L', 'F', 0, 1, 2, 3});

    for (String command : new String[] {"verify", "show"}) {
      CliRun run = CliRun.of("quote", command, file.toString());
      assertThat(run.exitCode()).isNotZero();
      assertThat(run.err()).contains("not a quote or attestation report");
      assertThat(run.err().strip().lines()).hasSize(1);
    }
  }

  @Test
  void showPrintsEveryFieldOfAnSnpReportAndANitroDocument() {
    CliRun snp = CliRun.of("quote", "show", vector("snp/trustee/test-vlek-report.bin"), "--json");
    CliRun nitro =
        CliRun.of("quote", "show", vector("nitro/evervault/beta/debug-mode-attestation-doc-bytes"));

    assertThat(snp.exitCode()).isZero();
    JsonNode s = JSON.readTree(snp.out());
    assertThat(s.get("tee_type").asString()).isEqualTo("SNP");
    assertThat(s.get("version").asInt()).isEqualTo(3);
    assertThat(s.get("vmpl").asInt()).isEqualTo(1);
    assertThat(s.get("signing_key").asString()).isEqualTo("VLEK");
    assertThat(s.get("measurement").asString()).startsWith("8922ebbdd00ec2c5");
    assertThat(nitro.exitCode()).isZero();
    assertThat(nitro.out())
        .contains("debug: true")
        .contains("pcr0: " + "00".repeat(48))
        .contains("cabundle");
  }
}
