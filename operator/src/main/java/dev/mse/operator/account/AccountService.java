package dev.mse.operator.account;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorException;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.AccountTable;
import dev.mse.operator.store.ApiToken;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.StoreException;
import dev.mse.operator.store.TokenTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Accounts, passwords and API tokens. Every new account gets a project named {@code default} with
 * the operator's default quotas. Passwords are kept as Argon2id hashes, tokens as SHA-256.
 */
public final class AccountService {
  public static final int MIN_PASSWORD_LENGTH = 12;
  private static final int MAX_PASSWORD_LENGTH = 1024;
  private static final int MAX_NAME_LENGTH = 255;
  public static final String DEFAULT_PROJECT = "default";

  /** last_used_at is written at most this often per token: one write per request is waste. */
  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  private final Database db;
  private final OperatorConfig config;
  private final Clock clock;
  private final PasswordHasher hasher = new PasswordHasher();

  /** A hash to verify against when the email is unknown, so both cases take the same time. */
  private final String decoyHash;

  public AccountService(Database db, OperatorConfig config, Clock clock) {
    this.db = db;
    this.config = config;
    this.clock = clock;
    this.decoyHash = hasher.hash(Secrets.random());
  }

  /** A new API token with its secret, which is shown once and not stored. */
  public record NewToken(ApiToken token, String secret) {
    @Override
    public String toString() {
      return "NewToken[" + token.id() + "]";
    }
  }

  /** Sign-up from the API or the form: refused when the operator does not allow it. */
  public Account signUp(String email, String password) throws OperatorException {
    if (!config.signUp()) {
      throw new OperatorException(
          OperatorException.Kind.FORBIDDEN,
          "sign_up_disabled",
          "This operator does not allow sign-up; ask its administrator for an account.");
    }
    return createAccount(email, password);
  }

  /** Creates an account with its default project (for the demo, tests and administrators). */
  public Account createAccount(String email, String password) throws OperatorException {
    String normalized = normalizeEmail(email);
    checkPassword(password);
    String hash = hasher.hash(password);
    Instant now = now();
    Account account = new Account(UUID.randomUUID(), normalized, now);
    try {
      return db.inTransaction(
          c -> {
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

  /** The account if the password is right; the same work is done for an unknown email. */
  public Optional<Account> authenticate(String email, String password) {
    String normalized = email.strip().toLowerCase(Locale.ROOT);
    Optional<AccountTable.WithHash> found = db.read(c -> AccountTable.byEmail(c, normalized));
    if (found.isEmpty() || password.length() > MAX_PASSWORD_LENGTH) {
      hasher.verify(password.length() > MAX_PASSWORD_LENGTH ? "" : password, decoyHash);
      return Optional.empty();
    }
    return hasher.verify(password, found.get().passwordHash())
        ? Optional.of(found.get().account())
        : Optional.empty();
  }

  public Optional<Account> account(UUID id) {
    return db.read(c -> AccountTable.byId(c, id));
  }

  public NewToken createToken(UUID accountId, String name) throws OperatorException {
    String trimmed = name.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH || hasControl(trimmed)) {
      throw OperatorException.badRequest(
          "invalid_name", "A token name must be 1 to 255 printable characters.");
    }
    String secret = Secrets.newToken();
    ApiToken token =
        new ApiToken(
            UUID.randomUUID(), accountId, trimmed, now(), Optional.empty(), Optional.empty());
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
        || hasControl(e)
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

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(Character::isISOControl);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
