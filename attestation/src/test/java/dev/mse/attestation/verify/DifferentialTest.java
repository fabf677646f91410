package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.testing.DcapVectors.Vector;
import dev.mse.attestation.testing.TestVectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the npm peers (@phala/dcap-qvl in JS, @phala/dcap-qvl-web in WASM) on every real vector and
 * compares their verdict and TCB status with ours. Every disagreement must be one of the explained
 * ones below (and in docs/attestation.md); a new one fails the test. Skipped when the peers are not
 * installed ({@code npm ci --prefix bench/peers}, which .ci/run does).
 */
class DifferentialTest {
  private static final Path PEERS = Path.of("..", "bench", "peers").toAbsolutePath().normalize();

  /** (peer, vector id) → why the peer and mse differ. */
  static final Map<String, String> EXPLAINED =
      Map.of(
          "@phala/dcap-qvl|tdx/go-tdx-guest/cos-113-tdx-quote.dat (+automata 0625)",
              "TDX TCB matching: dcap-qvl compares all 16 TEE_TCB_SVN bytes; Intel's QVL (and mse) judge bytes 0-1 through the TDX module identity when TEE_TCB_SVN[1] > 0",
          "@phala/dcap-qvl-web|tdx/go-tdx-guest/cos-113-tdx-quote.dat (+automata 0625)",
              "TDX TCB matching, as for the JS peer",
          "@phala/dcap-qvl|tdx/trustee/az-tdx-vtpm_td-quote.bin (+automata 0625)",
              "TDX TCB matching: no level matches all 16 bytes for dcap-qvl; Intel's QVL matches the 2023-08-09 level and folds in the out-of-date TDX_01 module",
          "@phala/dcap-qvl-web|tdx/trustee/az-tdx-vtpm_td-quote.bin (+automata 0625)",
              "the WASM peer refuses TDs without SEPT_VE_DISABLE inside its verifier; mse leaves that to the policy (refused by default)",
          "@phala/dcap-qvl|tdx/automata/alibaba_quote_5.dat (+0625)",
              "dcap-qvl's built-in policy requires MRSERVICETD = 0; this TD 1.5 has a service TD bound (MRSERVICETD 383c87d3...). mse verifies it (UpToDate) and reports mrservicetd for the caller's policy",
          "@phala/dcap-qvl-web|tdx/automata/alibaba_quote_5.dat (+0625)",
              "dcap-qvl-web 0.3.3 cannot decode v5 quotes",
          "@phala/dcap-qvl-web|tdx/dcap-qvl/tdx-quote.hex (+tdx_quote_collateral.json)",
              "when no TCB level matches, dcap-qvl-web 0.3.3 returns success with status 'Unknown'; mse (and the JS peer) reject: Intel's TCB_NOT_SUPPORTED",
          "@phala/dcap-qvl-web|tdx/dcap-qvl/quote-from-tappd.hex (+tdx_quote_collateral.json)",
              "as above: success with status 'Unknown' where Intel says TCB_NOT_SUPPORTED");

  /** What dcap-qvl itself refuses: debug TEEs; every TCB status is reported, not judged. */
  private static AppraisalPolicy peerLikePolicy() {
    return Policies.evidenceOnly(false);
  }

  @Test
  void peersAgreeWithMseOrTheDifferenceIsExplained() throws Exception {
    assumeTrue(
        Files.isDirectory(PEERS.resolve("node_modules/@phala/dcap-qvl")), "peers not installed");
    Path out = Files.createTempFile("differential", ".json");
    ProcessBuilder run =
        new ProcessBuilder(
                "node", PEERS.resolve("differential.mjs").toString(), "--json-out", out.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .directory(PEERS.toFile());
    run.environment().put("MSE_TESTVECTORS", TestVectors.root().toAbsolutePath().toString());
    Process node = run.start();
    assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(node.exitValue()).isZero();
    JsonNode results =
        JsonMapper.builder().build().readTree(Files.readString(out, StandardCharsets.UTF_8));
    Files.deleteIfExists(out);

    QuoteVerifier verifier = QuoteVerifier.full();
    List<String> unexplained = new ArrayList<>();
    int compared = 0;
    for (JsonNode r : results.values()) {
      if (!r.has("peer")) {
        continue;
      }
      Vector v = DcapVectors.byId(r.get("id").asString());
      Appraisal ours = verifier.verify(v.quote(), v.collateral(), peerLikePolicy(), v.at());
      String peerStatus = r.get("ok").asBoolean() ? r.get("status").asString() : null;
      String ourStatus =
          ours.accepted() ? ours.tcbStatus().map(TcbStatus::intelName).orElse(null) : null;
      boolean same =
          (peerStatus == null && ourStatus == null)
              || (peerStatus != null
                  && peerStatus.equals(ourStatus)
                  && advisories(r).equals(ours.advisoryIds()));
      String key = r.get("peer").asString() + "|" + v.id();
      compared++;
      if (!same && !EXPLAINED.containsKey(key)) {
        unexplained.add(
            key
                + ": peer "
                + (peerStatus == null
                    ? "rejects (" + r.get("error").asString() + ")"
                    : peerStatus + " " + advisories(r))
                + ", mse "
                + (ourStatus == null
                    ? "rejects " + ours.reasons()
                    : ourStatus + " " + ours.advisoryIds()));
      }
      if (same) {
        assertThat(EXPLAINED)
            .as("explained but no longer different: " + key)
            .doesNotContainKey(key);
      }
    }
    assertThat(compared).isEqualTo(2 * DcapVectors.all().size());
    assertThat(unexplained).isEmpty();
  }

  private static List<String> advisories(JsonNode r) {
    List<String> out = new ArrayList<>();
    r.get("advisory_ids").values().forEach(a -> out.add(a.asString()));
    return out;
  }
}
