package dev.mse.operator.account;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.node.SharedUserPolicy;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.AccountTable;
import dev.mse.operator.store.ApiToken;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.StoreException;
import dev.mse.operator.store.TokenTable;
import dev.mse.protocol.config.AppFields;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts, passwords and API tokens. Every new account gets a project named {@code default} with
 * the operator's default quotas. Passwords are kept as Argon2id hashes, tokens as SHA-256.
 *
 * <p>Argon2id costs about 20 MiB and tens of milliseconds of a core per password, and anyone may
 * ask for one: hashing runs on a small fixed pool with a short queue (a full queue is a 503, not a
 * longer wait for everyone), each source address has a budget of attempts, a wrong password counts
 * against the pair (source, email) so that someone else's guesses never lock the owner out, and an
 * unknown email costs no hashing at all: it waits about as long as a hash takes, on its own
 * (virtual) thread, which hides little from anyone who can also try to sign up with that email.
 */
public final class AccountService {
  private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);

  public static final int MIN_PASSWORD_LENGTH = 12;
  private static final int MAX_PASSWORD_LENGTH = 1024;
  private static final int MAX_NAME_LENGTH = 255;
  public static final String DEFAULT_PROJECT = "default";

  /** last_used_at is written at most this often per token: one write per request is waste. */
  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  /** Hashes waiting beyond the running ones; more is refused rather than queued. */
  private static final int HASH_QUEUE = 16;

  private final Database db;
  private final OperatorConfig config;
  private final Clock clock;

  private final PasswordHasher hasher = new PasswordHasher();
  private final ExecutorService hashing;
  private final SourceThrottle signUps;
  private final SourceThrottle logins;
  private final LoginThrottle failures;

  /** About how long one hash takes here, for the answer to an unknown email. */
  private final AtomicLong typicalHashNanos = new AtomicLong();

  public AccountService(Database db, OperatorConfig config, Clock clock) {
    this.db = db;
    this.config = config;
    this.clock = clock;
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    this.hashing =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(HASH_QUEUE),
            Thread.ofPlatform().name("password-hash-", 0).daemon().factory(),
            new ThreadPoolExecutor.AbortPolicy());
    OperatorConfig.Limits limits = config.limits();
    this.signUps = new SourceThrottle(limits.signUpsPerSourcePerHour(), Duration.ofHours(1), clock);
    this.logins =
        new SourceThrottle(limits.loginsPerSourcePerMinute(), Duration.ofMinutes(1), clock);
    this.failures = new LoginThrottle(clock);
    long start = System.nanoTime();
    hasher.hash(Secrets.random());
    typicalHashNanos.set(System.nanoTime() - start);
  }

  /** A new API token with its secret, which is shown once and not stored. */
  public record NewToken(ApiToken token, String secret) {
    @Override
    public String toString() {
      return "NewToken[" + token.id() + "]";
    }
  }

  /**
   * Sign-up from the API or the form, by a request from {@code source} (its address): refused when
   * the operator does not allow it or that source created its share of accounts this hour.
   */
  public Account signUp(String source, String email, String password) throws OperatorException {
    if (!config.signUp()) {
      throw new OperatorException(
          OperatorException.Kind.FORBIDDEN,
          "sign_up_disabled",
          "This operator does not allow sign-up; ask its administrator for an account.");
    }
    if (!signUps.tryAcquire(source)) {
      throw tooMany("Too many accounts were created from your address; try again in an hour.");
    }
    return createAccount(email, password);
  }

  /** Creates an account with its default project (for the demo, tests and administrators). */
  public Account createAccount(String email, String password) throws OperatorException {
    String normalized = normalizeEmail(email);
    checkPassword(password);
    String hash =
        onHashingPool(
            () -> {
              long start = System.nanoTime();
              String phc = hasher.hash(password);
              remember(System.nanoTime() - start);
              return phc;
            });
    Instant now = now();
    Account account = new Account(UUID.randomUUID(), normalized, now);
    try {
      return db.inTransaction(
          c -> {
            if (SharedUserPolicy.singleTenant(config) && AccountTable.count(c) > 0) {
              LOG.warn(SharedUserPolicy.MESSAGE);
              throw SharedUserPolicy.refused();
            }
            if (AccountTable.byEmail(c, normalized).isPresent()) {
              throw OperatorException.conflict(
                  "email_taken", "An account with this email already exists.");
            }
            AccountTable.insert(c, account, hash);
            ProjectService.insert(c, config, account.id(), DEFAULT_PROJECT, "Default project", now);
            return account;
          });
    } catch (StoreException e) {
      if (e.isUniqueViolation()) {
        throw OperatorException.conflict(
            "email_taken", "An account with this email already exists.");
      }
      throw e;
    }
  }

  /**
   * The account if the password is right, for a request from {@code source} (its address); 429 when
   * that source has used its attempts or guessed this email's password wrong too often.
   */
  public Optional<Account> authenticate(String source, String email, String password)
      throws OperatorException {
    if (!logins.tryAcquire(source)) {
      throw tooMany("Too many sign-in attempts from your address; wait a minute and try again.");
    }
    String normalized = email.strip().toLowerCase(Locale.ROOT);
    String attempt = source + " " + normalized;
    if (!failures.allowed(attempt)) {
      throw tooMany(
          "Too many wrong passwords for this email from your address; wait 15 minutes and try"
              + " again.");
    }
    Optional<AccountTable.WithHash> found =
        normalized.length() > 320
            ? Optional.empty()
            : db.read(c -> AccountTable.byEmail(c, normalized));
    boolean right;
    if (found.isEmpty() || password.length() > MAX_PASSWORD_LENGTH) {
      waitLikeAHash();
      right = false;
    } else {
      String phc = found.get().passwordHash();
      right =
          onHashingPool(
              () -> {
                long start = System.nanoTime();
                boolean ok = hasher.verify(password, phc);
                remember(System.nanoTime() - start);
                return ok;
              });
    }
    if (!right) {
      failures.failed(attempt);
      return Optional.empty();
    }
    failures.succeeded(attempt);
    return Optional.of(found.get().account());
  }

  /** A moving average of the last hashes' times. */
  private void remember(long nanos) {
    typicalHashNanos.updateAndGet(t -> (t * 7 + nanos) / 8);
  }

  /** An unknown email answers after about a hash's time without using the hashing pool. */
  private void waitLikeAHash() {
    long nanos = Math.min(typicalHashNanos.get(), Duration.ofSeconds(2).toNanos());
    try {
      Thread.sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a hash on the bounded pool; a full pool is a 503 at once, not a queue without end. */
  private <T> T onHashingPool(Callable<T> work) throws OperatorException {
    OperatorException busy =
        new OperatorException(
            OperatorException.Kind.UNAVAILABLE,
            "busy",
            "The operator is busy checking passwords; try again in a few seconds.");
    Future<T> result;
    try {
      result = hashing.submit(work);
    } catch (RejectedExecutionException e) {
      throw busy;
    }
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw busy;
    } catch (ExecutionException e) {
      throw new IllegalStateException("password hashing failed", e.getCause());
    }
  }

  private static OperatorException tooMany(String message) {
    return new OperatorException(
        OperatorException.Kind.TOO_MANY_REQUESTS, "too_many_requests", message);
  }

  /**
   * Changes the password of a signed-in account after checking its current one (throttled like a
   * sign-in); false when the current password is wrong.
   */
  public boolean changePassword(String source, Account account, String current, String next)
      throws OperatorException {
    checkPassword(next);
    if (authenticate(source, account.email(), current).isEmpty()) {
      return false;
    }
    String hash = onHashingPool(() -> hasher.hash(next));
    db.inTransaction(
        c -> {
          AccountTable.setPasswordHash(c, account.id(), hash);
          return null;
        });
    return true;
  }

  public Optional<Account> account(UUID id) {
    return db.read(c -> AccountTable.byId(c, id));
  }

  /** A token that lives the operator's token lifetime (90 days unless configured). */
  public NewToken createToken(UUID accountId, String name) throws OperatorException {
    return createToken(accountId, name, config.limits().tokenLifetime());
  }

  /** A token that expires after {@code lifetime} (1 to 365 days). */
  public NewToken createToken(UUID accountId, String name, Duration lifetime)
      throws OperatorException {
    String trimmed = name.strip();
    if (trimmed.isEmpty()
        || trimmed.length() > MAX_NAME_LENGTH
        || !AppFields.isPrintable(trimmed)) {
      throw OperatorException.badRequest(
          "invalid_name", "A token name must be 1 to 255 printable characters.");
    }
    if (lifetime.compareTo(Duration.ofDays(1)) < 0
        || lifetime.compareTo(OperatorConfig.Limits.MAX_TOKEN_LIFETIME) > 0) {
      throw OperatorException.badRequest(
          "invalid_expiry", "A token must live between 1 and 365 days.");
    }
    String secret = Secrets.newToken();
    Instant now = now();
    ApiToken token =
        new ApiToken(
            UUID.randomUUID(),
            accountId,
            trimmed,
            now,
            Optional.empty(),
            Optional.of(now.plus(lifetime)));
    // a transaction: confirmed means forced to disk (Database)
    db.inTransaction(
        c -> {
          TokenTable.insert(c, token, Secrets.sha256Hex(secret));
          return null;
        });
    return new NewToken(token, secret);
  }

  public List<ApiToken> tokens(UUID accountId) {
    return db.read(c -> TokenTable.ofAccount(c, accountId));
  }

  public void deleteToken(UUID accountId, UUID tokenId) throws OperatorException {
    if (!db.inTransaction(c -> TokenTable.delete(c, accountId, tokenId))) {
      throw OperatorException.notFound("token_not_found", "No token with this id.");
    }
  }

  /** Revokes the API token {@code token} of {@code accountId} (logout). */
  public void revokeToken(UUID accountId, String token) throws OperatorException {
    Optional<ApiToken> found = db.read(c -> TokenTable.byHash(c, Secrets.sha256Hex(token)));
    if (found.isEmpty()
        || !db.inTransaction(c -> TokenTable.delete(c, accountId, found.get().id()))) {
      throw OperatorException.notFound("token_not_found", "No such token.");
    }
  }

  /** The account a bearer token belongs to, or 401 with a message a person can act on. */
  public Account authenticateToken(String token) throws OperatorException {
    if (!token.startsWith(Secrets.TOKEN_PREFIX) || token.length() > 200) {
      throw OperatorException.unauthorized(
          "The API token is not valid: run 'mse cloud login' to get a new one.");
    }
    Instant now = now();
    Optional<Account> account =
        db.read(
            c -> {
              Optional<TokenTable.Owned> found =
                  TokenTable.byHashWithAccount(c, Secrets.sha256Hex(token));
              if (found.isEmpty()) {
                return Optional.empty();
              }
              ApiToken t = found.get().token();
              if (t.expiresAt().filter(e -> !e.isAfter(now)).isPresent()) {
                return Optional.empty();
              }
              if (t.lastUsedAt().filter(u -> u.plus(TOUCH_INTERVAL).isAfter(now)).isEmpty()) {
                TokenTable.touch(c, t.id(), now);
              }
              return Optional.of(found.get().account());
            });
    return account.orElseThrow(
        () ->
            OperatorException.unauthorized(
                "The API token is unknown, revoked or expired: run 'mse cloud login' to get a"
                    + " new one."));
  }

  private static String normalizeEmail(String email) throws OperatorException {
    String e = email.strip().toLowerCase(Locale.ROOT);
    int at = e.indexOf('@');
    if (e.length() > 320
        || at < 1
        || at != e.lastIndexOf('@')
        || at == e.length() - 1
        || !AppFields.isPrintable(e)
        || e.chars().anyMatch(Character::isWhitespace)) {
      throw OperatorException.badRequest("invalid_email", "The email address is not valid.");
    }
    return e;
  }

  private static void checkPassword(String password) throws OperatorException {
    if (password.codePointCount(0, password.length()) < MIN_PASSWORD_LENGTH) {
      throw OperatorException.badRequest(
          "weak_password", "The password must have at least 12 characters.");
    }
    if (password.length() > MAX_PASSWORD_LENGTH) {
      throw OperatorException.badRequest(
          "invalid_password", "The password must have at most 1024 characters.");
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
