package dev.mse.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollateralCacheTest {
  private static final URI URL =
      URI.create("https://pccs.example/sgx/certification/v4/qe/identity");
  private static final Instant NOW = Instant.parse("2025-08-20T00:00:00Z");

  @TempDir Path directory;
  private final MutableClock clock = new MutableClock(NOW);

  private CollateralCache.Entry entry(String body, Instant nextUpdate) {
    return new CollateralCache.Entry(
        URL,
        Map.of("sgx-enclave-identity-issuer-chain", "chain"),
        ByteString.of(body.getBytes()),
        nextUpdate,
        clock.instant());
  }

  @Test
  void storesAndServesAnEntryWhileItIsFresh() throws Exception {
    CollateralCache cache = new CollateralCache(directory, clock);
    CollateralCache.Entry stored = entry("one", NOW.plusSeconds(60));

    CollateralCache.Lookup first = cache.get(URL, () -> stored);
    CollateralCache.Lookup second =
        new CollateralCache(directory, clock)
            .get(
                URL,
                () -> {
                  throw new AssertionError("fresh entries are not fetched");
                });

    assertThat(first.source()).isEqualTo(CollateralCache.Source.NETWORK);
    assertThat(second.source()).isEqualTo(CollateralCache.Source.FRESH_CACHE);
    assertThat(second.entry()).isEqualTo(stored);
  }

  @Test
  void anEntryIsStaleFromItsNextUpdateOn() throws Exception {
    CollateralCache cache = new CollateralCache(directory, clock);
    cache.get(URL, () -> entry("one", NOW.plusSeconds(60)));

    clock.set(NOW.plusSeconds(60));
    CollateralCache.Lookup lookup = cache.get(URL, () -> entry("two", NOW.plusSeconds(120)));

    assertThat(lookup.source()).isEqualTo(CollateralCache.Source.NETWORK);
    assertThat(lookup.entry().body()).isEqualTo(ByteString.of("two".getBytes()));
  }

  @Test
  void concurrentLookupsOfOneKeyShareOneFetch() throws Exception {
    CollateralCache cache = new CollateralCache(directory, clock);
    AtomicInteger fetches = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<CollateralCache.Lookup>> lookups = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(10)) {
      for (int i = 0; i < 10; i++) {
        lookups.add(
            threads.submit(
                () -> {
                  start.await();
                  return cache.get(
                      URL,
                      () -> {
                        fetches.incrementAndGet();
                        sleep(300);
                        return entry("one", NOW.plusSeconds(60));
                      });
                }));
      }
      start.countDown();
      for (Future<CollateralCache.Lookup> lookup : lookups) {
        assertThat(lookup.get().entry().body()).isEqualTo(ByteString.of("one".getBytes()));
      }
    }

    assertThat(fetches).hasValue(1);
  }

  @Test
  void aFailedFetchFailsEveryWaiterWhenNothingIsCached() throws Exception {
    CollateralCache cache = new CollateralCache(directory, clock);
    AtomicInteger fetches = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<CollateralCache.Lookup>> lookups = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(5)) {
      for (int i = 0; i < 5; i++) {
        lookups.add(
            threads.submit(
                () -> {
                  start.await();
                  return cache.get(
                      URL,
                      () -> {
                        fetches.incrementAndGet();
                        sleep(300);
                        throw new PcsException(URL, 503, "HTTP 503", null);
                      });
                }));
      }
      start.countDown();
      for (Future<CollateralCache.Lookup> lookup : lookups) {
        assertThatThrownBy(lookup::get)
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(PcsException.class)
            .hasMessage("HTTP 503");
      }
    }

    assertThat(fetches).hasValue(1);
  }

  @Test
  void aStaleEntryIsServedWithTheReasonWhenTheFetchFails() throws Exception {
    CollateralCache cache = new CollateralCache(directory, clock);
    CollateralCache.Entry stored = entry("one", NOW.plusSeconds(60));
    cache.get(URL, () -> stored);
    clock.set(NOW.plusSeconds(3600));
    PcsException outage = new PcsException(URL, "connection refused", null);

    CollateralCache.Lookup lookup =
        cache.get(
            URL,
            () -> {
              throw outage;
            });

    assertThat(lookup.source()).isEqualTo(CollateralCache.Source.STALE_CACHE);
    assertThat(lookup.entry()).isEqualTo(stored);
    assertThat(lookup.failure()).containsSame(outage);
  }

  @Test
  void anUnreadableFileCountsAsMissing() throws Exception {
    CollateralCache cache = new CollateralCache(directory, clock);
    Files.writeString(cache.file(URL), "{\"url\":\"" + URL + "\",\"body\":\"%%%\"}");

    CollateralCache.Lookup lookup = cache.get(URL, () -> entry("one", NOW.plusSeconds(60)));

    assertThat(lookup.source()).isEqualTo(CollateralCache.Source.NETWORK);
    assertThat(
            new CollateralCache(directory, clock)
                .get(
                    URL,
                    () -> {
                      throw new AssertionError("the repaired entry is fresh");
                    })
                .entry()
                .body())
        .isEqualTo(ByteString.of("one".getBytes()));
  }

  @Test
  void aFileForAnotherUrlIsNotServed() throws Exception {
    CollateralCache cache = new CollateralCache(directory, clock);
    URI other = URI.create("https://pccs.example/tdx/certification/v4/qe/identity");
    cache.get(URL, () -> entry("one", NOW.plusSeconds(60)));
    Files.copy(cache.file(URL), cache.file(other));

    CollateralCache.Lookup lookup =
        cache.get(
            other,
            () ->
                new CollateralCache.Entry(
                    other, Map.of(), ByteString.of("two".getBytes()), NOW.plusSeconds(60), NOW));

    assertThat(lookup.source()).isEqualTo(CollateralCache.Source.NETWORK);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
