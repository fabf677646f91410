package dev.mse.cli.quote;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyException;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.Reason;
import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mse quote verify QUOTE}: is this genuine evidence from an up-to-date TEE that the policy
 * accepts? Exit 0 only when it is.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a quote (binary, hex or base64) against Intel's collateral and a policy.",
      "Exit status 0 when the policy accepts the quote, 1 otherwise (with every reason)."
    })
final class QuoteVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "QUOTE", description = "the quote file")
  Path quotePath;

  @ArgGroup(exclusive = true, multiplicity = "1")
  CollateralOptions collateral;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "appraisal policy (TOML); default: UpToDate or SWHardeningNeeded, no debug, no simulation")
  Path policyPath;

  @Option(
      names = "--allow-simulation",
      description =
          "accept evidence from the mse simulated TEE (tests only); with --policy, this overrides"
              + " the file's allow_simulation")
  boolean allowSimulation;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      converter = TimeConverter.class,
      description = "verify as of TIME: unix seconds or ISO-8601 (default: now)")
  Instant at;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() {
    QuoteFile quote = QuoteFile.read(quotePath);
    Instant when = at != null ? at : Instant.now();
    AppraisalPolicy base = loadPolicy();
    AppraisalPolicy policy = allowSimulation ? base.withAllowSimulation(true) : base;
    var loaded = collateral.load(quote, spec.commandLine().getErr());
    Appraisal appraisal = QuoteVerifier.full().verify(quote.bytes(), loaded, policy, when);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(AppraisalJson.of(appraisal, when)));
    } else {
      printText(out, appraisal, when);
    }
    out.flush();
    return appraisal.accepted() ? 0 : 1;
  }

  private AppraisalPolicy loadPolicy() {
    if (policyPath == null) {
      return AppraisalPolicy.defaults();
    }
    String text = new String(UserFiles.read(policyPath, "policy file"), StandardCharsets.UTF_8);
    try {
      return PolicyParser.parse(text);
    } catch (PolicyException e) {
      throw new UserError("policy " + policyPath + ": " + e.getMessage(), e);
    }
  }

  private static void printText(PrintWriter out, Appraisal a, Instant at) {
    out.println(
        a.verdict()
            + "  "
            + a.tee()
            + " quote"
            + a.tcbStatus().map(s -> ", TCB " + s).orElse("")
            + (a.advisoryIds().isEmpty() ? "" : ", advisories " + String.join(" ", a.advisoryIds()))
            + "  (as of "
            + at
            + ")");
    a.measurements().forEach((k, v) -> out.println("  " + k + ": " + v));
    a.reportData().ifPresent(r -> out.println("  report_data: " + r.hex()));
    if (!a.reasons().isEmpty()) {
      out.println("Rejected because:");
      for (Reason r : a.reasons()) {
        out.println("  - " + r.message() + " [" + r.check().id() + "]");
      }
    }
  }

  /** JSON form of an appraisal, shared with other commands that print one. */
  static final class AppraisalJson {
    private AppraisalJson() {}

    static ObjectNode of(Appraisal a, Instant at) {
      ObjectNode n = Json.object();
      n.put("verdict", a.verdict().name());
      n.put("tee", a.tee().name());
      n.put("tcb_status", a.tcbStatus().map(s -> s.intelName()).orElse(null));
      var adv = n.putArray("advisory_ids");
      a.advisoryIds().forEach(adv::add);
      ObjectNode m = n.putObject("measurements");
      a.measurements().forEach(m::put);
      n.put("report_data", a.reportData().map(r -> r.hex()).orElse(null));
      var reasons = n.putArray("reasons");
      for (Reason r : a.reasons()) {
        reasons.addObject().put("check", r.check().id()).put("message", r.message());
      }
      n.put("verified_at", at.toString());
      return n;
    }
  }
}
