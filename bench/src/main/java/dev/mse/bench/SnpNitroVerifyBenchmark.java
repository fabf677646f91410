package dev.mse.bench;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.testing.NitroVectors;
import dev.mse.attestation.testing.SnpVectors;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.NitroBinding;
import dev.mse.attestation.verify.NitroVerifier;
import dev.mse.attestation.verify.SnpEndorsements;
import dev.mse.attestation.verify.SnpVerifier;
import dev.mse.attestation.verify.VerificationCache;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * AMD SEV-SNP report and AWS Nitro document verification on the real vectors of
 * ../shared/testvectors, each at its stated time.
 *
 * <ul>
 *   <li>{@code full}: the whole chain (ARK → ASK/ASVK → VCEK/VLEK, or the Nitro root → CA bundle →
 *       leaf), the report's or document's signature, every window and the policy, on every call;
 *   <li>{@code cached}: the chain's signature checks are remembered by the digest of the
 *       certificates after the first call ({@link VerificationCache}); the report's or document's
 *       own signature, the windows and the policy are checked every time.
 * </ul>
 *
 * The SNP vectors come without a CRL (none of the sources ships one), so the CRL check is not in
 * these timings.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SnpNitroVerifyBenchmark {
  @Param({
    "snp/virtee-sev/report_milan.hex",
    "snp/go-sev-guest/attestation.bin",
    "snp/trustee/test-vlek-report.bin",
    "nitro/evervault/beta/valid-attestation-doc-bytes",
    "nitro/evervault/beta/non-debug-doc-from-cert-18-1-23.bin"
  })
  public String vector;

  private Verification verification;
  private final VerificationCache cache = VerificationCache.create();

  private interface Verification {
    Appraisal verify(VerificationCache cache);
  }

  @Setup
  public void load() throws Exception {
    if (vector.startsWith("snp/")) {
      SnpVectors.Vector v =
          SnpVectors.all().stream().filter(x -> x.id().equals(vector)).findFirst().orElseThrow();
      // Evidence checks only (debug guests and migration agents allowed): the timing is the
      // verifier's, not a policy reject's.
      AppraisalPolicy policy =
          PolicyParser.parse("[snp]\nallow_debug = true\nallow_migration_agent = true\n");
      SnpEndorsements endorsements = new SnpEndorsements(v.vek(), Optional.empty());
      byte[] report = v.report();
      Instant at = v.at();
      verification = c -> SnpVerifier.verify(report, endorsements, policy, at, Optional.empty(), c);
    } else {
      NitroVectors.Vector v =
          NitroVectors.all().stream().filter(x -> x.id().equals(vector)).findFirst().orElseThrow();
      AppraisalPolicy policy = AppraisalPolicy.defaults();
      byte[] document = v.document();
      Instant at = v.at();
      verification = c -> NitroVerifier.verify(document, policy, at, NitroBinding.none(), c);
    }
    Appraisal first = verification.verify(cache);
    if (!first.accepted()) {
      throw new IllegalStateException("vector " + vector + " did not verify: " + first.reasons());
    }
  }

  @Benchmark
  public Appraisal full() {
    return verification.verify(VerificationCache.none());
  }

  @Benchmark
  public Appraisal cached() {
    return verification.verify(cache);
  }
}
