package dev.mse.attestation.verify;

import dev.mse.attestation.collateral.EnclaveTcbLevel;
import dev.mse.attestation.collateral.TcbLevel;
import dev.mse.attestation.collateral.TcbStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of matching a platform against a TCB Info, as Intel's QVL computes it.
 *
 * @param status the converged status (platform level, TDX module and QE folded together)
 * @param advisoryIds the advisories of the matched platform, module and QE levels
 * @param platformLevel the matched level (for TDX, the level matched by both SGX and TDX SVNs)
 * @param supersededAt when Intel released the TCB level just above the matched one: the start of
 *     the grace period for an out-of-date platform
 * @param problem why no status could be given (no level matches, unknown TDX module)
 */
public record TcbEvaluation(
    TcbStatus status,
    List<String> advisoryIds,
    Optional<TcbLevel> platformLevel,
    Optional<EnclaveTcbLevel> moduleLevel,
    Optional<EnclaveTcbLevel> qeLevel,
    Optional<Instant> supersededAt,
    Optional<Reason> problem) {
  public TcbEvaluation {
    advisoryIds = List.copyOf(advisoryIds);
  }
}
