package dev.mse.bench;

import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.testing.DcapVectors;
import dev.mse.attestation.verify.Appraisal;
import dev.mse.attestation.verify.QuoteVerifier;
import java.time.Instant;
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
 * DCAP quote verification on the real vectors, the same inputs the peers are timed on
 * (bench/peers/bench.mjs).
 *
 * <ul>
 *   <li>{@code full}: every signature, chain, CRL and collateral document is checked on every call,
 *       as a verifier that keeps nothing between quotes would.
 *   <li>{@code warm}: the collateral and PCK chain checks are cached by digest after the first
 *       call; the quote and QE report signatures, all windows and the policy are checked every
 *       time.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VerifyBenchmark {
  @Param({
    "sgx/dcap-qvl/sgx_quote",
    "tdx/dcap-qvl/tdx_quote",
    "tdx/automata/alibaba_quote_5.dat (+0625)",
    "tdx/automata/quote_v4 (+0625)",
    "sgx/trustee/occlum_quote.dat (+automata 0825)"
  })
  public String vector;

  private byte[] quote;
  private Collateral collateral;
  private Instant at;
  private final AppraisalPolicy policy = AppraisalPolicy.defaults();
  private final QuoteVerifier full = QuoteVerifier.full();
  private final QuoteVerifier warm = QuoteVerifier.cached();

  @Setup
  public void load() {
    DcapVectors.Vector v = DcapVectors.byId(vector);
    quote = v.quote();
    collateral = v.collateral();
    at = v.at();
    Appraisal first = warm.verify(quote, collateral, policy, at);
    if (first.tcbStatus().isEmpty()) {
      throw new IllegalStateException("vector " + vector + " did not verify: " + first.reasons());
    }
  }

  @Benchmark
  public Appraisal full() {
    return full.verify(quote, collateral, policy, at);
  }

  @Benchmark
  public Appraisal warm() {
    return warm.verify(quote, collateral, policy, at);
  }
}
