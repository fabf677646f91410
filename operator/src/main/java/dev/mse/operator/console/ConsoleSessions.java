package dev.mse.operator.console;

import dev.mse.operator.account.Secrets;
import dev.mse.operator.store.ConsoleSessionTable;
import dev.mse.operator.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The console's sign-ins, in the database ({@code console_sessions}), so that every operator
 * instance behind one address knows them, an operator restart signs nobody out, and "sign out
 * everywhere" ends them on every instance. A session ends after {@link #IDLE} without a request,
 * after {@link #LIFETIME} in any case, and on sign-out. Rows are keyed by the SHA-256 of the
 * cookie's value, so neither the database nor the lookup's timing gives a usable session away.
 */
final class ConsoleSessions {
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration LIFETIME = Duration.ofHours(12);

  /** At most this many sessions at once: past it, sign-ins wait for old ones to end. */
  static final int MAX_SESSIONS = 10_000;

  /**
   * How stale {@code last_seen} may get before a request writes it: a page view is not worth a
   * write, and the idle limit only needs this precision.
   */
  static final Duration TOUCH_AFTER = Duration.ofMinutes(1);

  /**
   * One signed-in browser.
   *
   * @param csrf the synchronizer token every form of this session must carry
   */
  record Session(UUID accountId, String email, String csrf, Instant createdAt, Instant lastSeen) {}

  /** A new session and the cookie value that names it (given to the browser, not kept). */
  record Started(String cookie, Session session) {}

  private final Database db;
  private final Clock clock;

  ConsoleSessions(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Starts a session; empty when {@link #MAX_SESSIONS} are open even after dropping old ones. */
  Optional<Started> start(UUID accountId, String email) {
    Instant now = clock.instant();
    String cookie = Secrets.random();
    String csrf = Secrets.random();
    boolean started =
        db.inTransaction(
            c -> {
              if (ConsoleSessionTable.count(c) >= MAX_SESSIONS) {
                ConsoleSessionTable.purge(c, now.minus(IDLE), now.minus(LIFETIME));
                if (ConsoleSessionTable.count(c) >= MAX_SESSIONS) {
                  return false;
                }
              }
              ConsoleSessionTable.insert(c, Secrets.sha256Hex(cookie), accountId, csrf, now);
              return true;
            });
    return started
        ? Optional.of(new Started(cookie, new Session(accountId, email, csrf, now, now)))
        : Optional.empty();
  }

  /** The live session a cookie names, its idle time reset. */
  Optional<Session> find(String cookie) {
    if (cookie == null || cookie.isEmpty() || cookie.length() > 100) {
      return Optional.empty();
    }
    String key = Secrets.sha256Hex(cookie);
    Optional<ConsoleSessionTable.Row> row = db.read(c -> ConsoleSessionTable.byHash(c, key));
    if (row.isEmpty()) {
      return Optional.empty();
    }
    ConsoleSessionTable.Row s = row.get();
    Instant now = clock.instant();
    if (!now.isBefore(s.lastSeen().plus(IDLE)) || !now.isBefore(s.createdAt().plus(LIFETIME))) {
      db.read(
          c -> {
            ConsoleSessionTable.delete(c, key);
            return null;
          });
      return Optional.empty();
    }
    if (!now.isBefore(s.lastSeen().plus(TOUCH_AFTER))) {
      db.read(
          c -> {
            ConsoleSessionTable.touch(c, key, now);
            return null;
          });
    }
    return Optional.of(new Session(s.accountId(), s.email(), s.csrf(), s.createdAt(), now));
  }

  void end(String cookie) {
    if (cookie != null && !cookie.isEmpty() && cookie.length() <= 100) {
      String key = Secrets.sha256Hex(cookie);
      db.inTransaction(
          c -> {
            ConsoleSessionTable.delete(c, key);
            return null;
          });
    }
  }

  /**
   * Ends every session of the account (sign out everywhere, a password change), on every instance.
   */
  void endAll(UUID accountId) {
    db.inTransaction(c -> ConsoleSessionTable.deleteOfAccount(c, accountId));
  }
}
