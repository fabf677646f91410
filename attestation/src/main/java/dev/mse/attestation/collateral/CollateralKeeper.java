package dev.mse.attestation.collateral;

import dev.mse.attestation.quote.Quote;
import dev.mse.attestation.quote.QuoteFormatException;
import dev.mse.attestation.quote.QuoteParser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the collateral of a TEE's own quotes current, as a runtime on hardware must to embed it in
 * its evidence: fetched from a PCCS or Intel PCS through {@link PcsClient} (the platform from a
 * sample quote), kept in an on-disk {@link CollateralCache} beside the runtime's state so a restart
 * needs no network, and refreshed {@link #REFRESH_AHEAD} before its next update. A failure is
 * reported and retried every {@link #RETRY}, never thrown: serving goes on with the last collateral
 * (verifiers fetch their own when it is out of date).
 */
public final class CollateralKeeper implements AutoCloseable {
  /** How long before the next update the collateral is fetched again. */
  public static final Duration REFRESH_AHEAD = Duration.ofHours(1);

  /** How soon a failed fetch is tried again. */
  public static final Duration RETRY = Duration.ofMinutes(1);

  private final PcsClient client;
  private final Quote quote;
  private final URI source;
  private final Consumer<String> warn;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("mse-collateral").unstarted(r));
  private volatile Optional<CollateralBundle> current = Optional.empty();

  private CollateralKeeper(URI source, Path cacheDir, Quote quote, Consumer<String> warn) {
    this.source = source;
    this.quote = quote;
    this.warn = warn;
    this.clock = Clock.systemUTC();
    // The cache's clock runs REFRESH_AHEAD early, so it asks the server before the copy expires.
    this.client =
        PcsClient.builder(new CollateralCache(cacheDir, Clock.offset(clock, REFRESH_AHEAD)))
            .baseUrl(source)
            .connectTimeout(Duration.ofSeconds(5))
            .requestTimeout(Duration.ofSeconds(15))
            .staleListener(
                (url, next, failure) ->
                    warn.accept(
                        "collateral: "
                            + failure.getMessage()
                            + "; keeping the copy that expires at "
                            + next))
            .build();
  }

  /**
   * Fetches the collateral of {@code sampleQuote}'s platform once now (a failure is reported, not
   * thrown), then keeps it current in the background.
   *
   * @param warn told, one line each, about failures and stale copies
   * @throws QuoteFormatException if {@code sampleQuote} is not a DCAP quote
   */
  public static CollateralKeeper start(
      URI source, Path cacheDir, byte[] sampleQuote, Consumer<String> warn)
      throws QuoteFormatException {
    CollateralKeeper keeper =
        new CollateralKeeper(source, cacheDir, QuoteParser.parse(sampleQuote), warn);
    keeper.refresh();
    return keeper;
  }

  /** The last collateral fetched, as a bundle that names where it came from. */
  public Optional<CollateralBundle> current() {
    return current;
  }

  private void refresh() {
    Duration next = RETRY;
    try {
      Collateral collateral = client.fetchFor(quote);
      current =
          Optional.of(
              new CollateralBundle(collateral, clock.instant(), Optional.of(source.toString())));
      Instant due = CollateralValidity.nextUpdate(collateral).minus(REFRESH_AHEAD);
      Duration untilDue = Duration.between(clock.instant(), due);
      next = untilDue.compareTo(RETRY) > 0 ? untilDue : RETRY;
    } catch (IOException | CollateralFormatException | RuntimeException e) {
      warn.accept(
          "collateral: cannot get it from "
              + source
              + " ("
              + e.getMessage()
              + "); retrying in "
              + RETRY);
    }
    try {
      timer.schedule(this::refresh, next.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // Closed: no more refreshes.
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    client.close();
  }
}
