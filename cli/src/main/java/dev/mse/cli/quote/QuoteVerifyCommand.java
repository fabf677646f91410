package dev.mse.cli.quote;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyException;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.EvidenceFormat;
import dev.mse.attestation.verify.NitroBinding;
import dev.mse.attestation.verify.NitroVerifier;
import dev.mse.attestation.verify.QuoteVerifier;
import dev.mse.attestation.verify.Reason;
import dev.mse.attestation.verify.SnpVerifier;
import dev.mse.attestation.verify.TeeKind;
import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
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
      "Verify evidence (binary, hex or base64) against its endorsements and a policy: an SGX or TDX"
          + " quote with Intel's collateral, a raw SEV-SNP report with its VCEK or VLEK, or an AWS"
          + " Nitro attestation document (its chain is inside).",
      "Exit status 0 when the policy accepts the evidence, 1 otherwise (with every reason)."
    })
final class QuoteVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "EVIDENCE", description = "the quote, report or document file")
  Path quotePath;

  @Option(
      names = "--tee",
      paramLabel = "KIND",
      description = "sgx, tdx, snp or nitro (default: detected from the file)",
      converter = TeeConverter.class)
  TeeOption tee;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  CollateralOptions collateral;

  @picocli.CommandLine.Mixin SnpOptions snp;

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
    EvidenceFormat format = TeeOption.formatOf(quote, Optional.ofNullable(tee));
    Instant when = at != null ? at : Instant.now();
    AppraisalPolicy base = loadPolicy();
    AppraisalPolicy policy = allowSimulation ? base.withAllowSimulation(true) : base;
    if (format != EvidenceFormat.DCAP_QUOTE && collateral != null) {
      throw new UserError(
          "Intel collateral (--collateral, PCS files, --pccs) is for SGX and TDX quotes only");
    }
    if (format != EvidenceFormat.SNP_REPORT && snp.given()) {
      throw new UserError("--vcek, --crl and --kds are for SEV-SNP reports only");
    }
    Appraisal appraisal =
        switch (format) {
          case DCAP_QUOTE -> verifyQuote(quote, policy, when);
          case SNP_REPORT ->
              SnpVerifier.verify(
                  quote.bytes(),
                  snp.load(quote.bytes(), spec.commandLine().getErr()),
                  policy,
                  when,
                  Optional.empty());
          case NITRO_DOCUMENT ->
              NitroVerifier.verify(quote.bytes(), policy, when, NitroBinding.none());
        };
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(AppraisalJson.of(appraisal, when)));
    } else {
      printText(out, appraisal, when);
    }
    out.flush();
    return appraisal.accepted() ? 0 : 1;
  }

  private Appraisal verifyQuote(QuoteFile quote, AppraisalPolicy policy, Instant when) {
    if (collateral == null) {
      throw new UserError(
          "an SGX or TDX quote is verified with Intel's collateral: give --collateral FILE, the PCS"
              + " files (--tcb-info, --qe-identity, --pck-crl, --root-crl) or --pccs URL");
    }
    var loaded = collateral.load(quote, spec.commandLine().getErr());
    Appraisal appraisal = QuoteVerifier.full().verify(quote.bytes(), loaded, policy, when);
    if (tee != null
        && (appraisal.tee() == TeeKind.SGX || appraisal.tee() == TeeKind.TDX)
        && appraisal.tee() != tee.tee) {
      throw new UserError(quotePath + " is " + appraisal.tee() + " evidence, not " + tee.tee);
    }
    return appraisal;
  }

  /** Accepts sgx, tdx, snp and nitro in any case. */
  static final class TeeConverter implements picocli.CommandLine.ITypeConverter<TeeOption> {
    @Override
    public TeeOption convert(String value) {
      try {
        return TeeOption.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("expected sgx, tdx, snp or nitro");
      }
    }
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
            + switch (a.tee()) {
              case SNP -> " report";
              case NITRO -> " attestation document";
              default -> " quote";
            }
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
