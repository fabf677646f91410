package dev.mse.operator.node.runtime;

import dev.mse.attestation.collateral.CollateralKeeper;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a node provider concludes from its status reads about a node's evidence, the same for every
 * provider: a refusal fails the app at once (waiting will not change a revoked key or a measurement
 * the policy does not accept); collateral still missing fails a new node only after {@link
 * #PATIENCE}, so that its runtime has asked its PCCS twice. A node that answered once is never
 * failed for want of collateral (its collateral ages while it runs, and a PCCS that is down must
 * not stop the app). One per node, read from one thread at a time.
 */
public final class EvidenceVerdict {
  /**
   * How long a new node may serve evidence without collateral the operator can appraise it with.
   */
  public static final Duration PATIENCE = CollateralKeeper.RETRY.plusSeconds(15);

  /**
   * Shortens {@link #PATIENCE} (whole seconds), for tests that show the failure without waiting for
   * the runtime's second attempt; read when a verdict is made.
   */
  public static final String PATIENCE_PROPERTY = "mse.node.collateralPatienceSeconds";

  private final Duration patience;
  private final Optional<URI> pccs;
  private boolean answered;
  private Optional<Instant> missingSince = Optional.empty();

  /**
   * @param answeredBefore the node answered before (resumed after an operator restart)
   * @param pccs where the operator fetches missing collateral, for the reason given
   */
  public EvidenceVerdict(boolean answeredBefore, Optional<URI> pccs) {
    long seconds = Long.getLong(PATIENCE_PROPERTY, PATIENCE.toSeconds());
    this.patience = Duration.ofSeconds(Math.max(1, Math.min(seconds, PATIENCE.toSeconds())));
    this.answered = answeredBefore;
    this.pccs = pccs;
  }

  /**
   * After a status read of {@code client} at {@code now}: why the node's app must fail, or empty.
   */
  public Optional<String> after(NodeStatusClient client, boolean gotStatus, Instant now) {
    Optional<String> refusal = client.refusal();
    if (refusal.isPresent()) {
      return Optional.of("the node's evidence does not verify: " + refusal.get());
    }
    answered |= gotStatus;
    Optional<String> missing = client.missingCollateral();
    if (answered || missing.isEmpty()) {
      missingSince = Optional.empty();
      return Optional.empty();
    }
    missingSince = missingSince.or(() -> Optional.of(now));
    if (!now.isAfter(missingSince.get().plus(patience))) {
      return Optional.empty();
    }
    return Optional.of(
        "no collateral for the node's evidence after "
            + patience.toSeconds()
            + " s: "
            + pccs.map(url -> "neither its runtime nor the operator got it from the PCCS " + url)
                .orElse("the runtime sent none valid now and operator.toml names no pccs_url")
            + " ("
            + missing.get()
            + ")");
  }
}
