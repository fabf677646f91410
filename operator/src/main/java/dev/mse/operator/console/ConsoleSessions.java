package dev.mse.operator.console;

import dev.mse.operator.account.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sign-ins, in memory: a session ends after {@link #IDLE} without a request, after
 * {@link #LIFETIME} in any case, on sign-out, and when the operator restarts (people sign in again;
 * nothing is lost). The map is keyed by the SHA-256 of the cookie's value, so neither a heap dump
 * nor the map's lookup timing gives a usable session away.
 */
final class ConsoleSessions {
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration LIFETIME = Duration.ofHours(12);

  /** At most this many sessions at once: past it, sign-ins wait for old ones to end. */
  static final int MAX_SESSIONS = 10_000;

  /**
   * One signed-in browser.
   *
   * @param csrf the synchronizer token every form of this session must carry
   */
  record Session(UUID accountId, String email, String csrf, Instant createdAt, Instant lastSeen) {}

  /** A new session and the cookie value that names it (given to the browser, not kept). */
  record Started(String cookie, Session session) {}

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  ConsoleSessions(Clock clock) {
    this.clock = clock;
  }

  /** Starts a session; empty when {@link #MAX_SESSIONS} are open even after dropping old ones. */
  Optional<Started> start(UUID accountId, String email) {
    Instant now = clock.instant();
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().removeIf(s -> !alive(s, now));
      if (sessions.size() >= MAX_SESSIONS) {
        return Optional.empty();
      }
    }
    String cookie = Secrets.random();
    Session s = new Session(accountId, email, Secrets.random(), now, now);
    sessions.put(Secrets.sha256Hex(cookie), s);
    return Optional.of(new Started(cookie, s));
  }

  /** The live session a cookie names, its idle time reset. */
  Optional<Session> find(String cookie) {
    if (cookie == null || cookie.isEmpty() || cookie.length() > 100) {
      return Optional.empty();
    }
    String key = Secrets.sha256Hex(cookie);
    Session s = sessions.get(key);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!alive(s, now)) {
      sessions.remove(key, s);
      return Optional.empty();
    }
    Session seen = new Session(s.accountId(), s.email(), s.csrf(), s.createdAt(), now);
    sessions.replace(key, s, seen);
    return Optional.of(seen);
  }

  void end(String cookie) {
    if (cookie != null && !cookie.isEmpty() && cookie.length() <= 100) {
      sessions.remove(Secrets.sha256Hex(cookie));
    }
  }

  /** Ends every session of the account (sign out everywhere, a password change). */
  void endAll(UUID accountId) {
    sessions.values().removeIf(s -> s.accountId().equals(accountId));
  }

  int size() {
    return sessions.size();
  }

  private static boolean alive(Session s, Instant now) {
    return now.isBefore(s.lastSeen().plus(IDLE)) && now.isBefore(s.createdAt().plus(LIFETIME));
  }
}
