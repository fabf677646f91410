package dev.mse.operator.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@link #MAX_FAILURES} wrong passwords for one key (a source
 * address and an email) within {@link #WINDOW}, that key cannot try again until the oldest failure
 * leaves the window. Keyed by source as well as email, so that guesses from elsewhere never lock
 * the owner out, and every lock-out ends. In memory: a restart forgets, which costs an attacker a
 * restart of ours, not a bypass.
 */
public final class LoginThrottle {
  public static final int MAX_FAILURES = 10;
  public static final Duration WINDOW = Duration.ofMinutes(15);
  private static final int MAX_TRACKED = 100_000;

  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  public LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** True when this key may try a password now. */
  public boolean allowed(String key) {
    Deque<Instant> f = failures.get(key(key));
    if (f == null) {
      return true;
    }
    synchronized (f) {
      prune(f, clock.instant());
      return f.size() < MAX_FAILURES;
    }
  }

  public void failed(String key) {
    if (failures.size() > MAX_TRACKED) {
      // many distinct emails: drop everything rather than grow without bound
      failures.clear();
    }
    Deque<Instant> f = failures.computeIfAbsent(key(key), k -> new ArrayDeque<>());
    synchronized (f) {
      prune(f, clock.instant());
      f.addLast(clock.instant());
    }
  }

  public void succeeded(String key) {
    failures.remove(key(key));
  }

  private static void prune(Deque<Instant> f, Instant now) {
    while (!f.isEmpty() && !f.peekFirst().plus(WINDOW).isAfter(now)) {
      f.removeFirst();
    }
  }

  private static String key(String k) {
    return k.strip().toLowerCase(Locale.ROOT);
  }
}
