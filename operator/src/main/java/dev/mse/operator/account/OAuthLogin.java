package dev.mse.operator.account;

import dev.mse.operator.OperatorException;
import dev.mse.operator.store.Account;
import dev.mse.operator.store.Database;
import dev.mse.operator.store.OAuthCodeTable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The CLI's login: OAuth 2.0 authorization code with PKCE (RFC 7636, S256 only) and a loopback
 * redirect (RFC 8252 §7.3), against the operator's own login form. Codes live 60 seconds, work
 * once, and are stored as SHA-256; the access token is a new API token named "cli login".
 */
public final class OAuthLogin {
  public static final String CLIENT_ID = "mse-cli";
  public static final String TOKEN_NAME = "cli login";
  static final Duration CODE_TTL = Duration.ofSeconds(60);

  private final Database db;
  private final AccountService accounts;
  private final Clock clock;

  public OAuthLogin(Database db, AccountService accounts, Clock clock) {
    this.db = db;
    this.accounts = accounts;
    this.clock = clock;
  }

  /** The parameters of an authorization request, checked. */
  public record AuthorizeRequest(String redirectUri, String codeChallenge, String state) {}

  /**
   * Checks the authorization request's parameters. Failures are shown on the operator's page, never
   * sent to the redirect URI: a bad redirect URI must not receive anything.
   */
  public static AuthorizeRequest check(
      String responseType,
      String clientId,
      String redirectUri,
      String codeChallenge,
      String codeChallengeMethod,
      String state)
      throws OperatorException {
    if (!CLIENT_ID.equals(clientId)) {
      throw OperatorException.badRequest(
          "invalid_client", "Unknown client_id: only '" + CLIENT_ID + "' may log in here.");
    }
    checkLoopback(redirectUri);
    if (!"code".equals(responseType)) {
      throw OperatorException.badRequest(
          "unsupported_response_type", "Only response_type=code is supported.");
    }
    if (!"S256".equals(codeChallengeMethod)) {
      throw OperatorException.badRequest(
          "invalid_request", "Only code_challenge_method=S256 is supported.");
    }
    if (codeChallenge == null || !codeChallenge.matches("[A-Za-z0-9_-]{43}")) {
      throw OperatorException.badRequest(
          "invalid_request", "code_challenge must be base64url of a SHA-256 digest.");
    }
    if (state != null && state.length() > 512) {
      throw OperatorException.badRequest("invalid_request", "state is too long.");
    }
    return new AuthorizeRequest(redirectUri, codeChallenge, state == null ? "" : state);
  }

  /**
   * Accepts only {@code http://127.0.0.1:<port>/…} and {@code http://localhost:<port>/…}: the code
   * goes to a listener on the person's own machine and nowhere else.
   */
  public static void checkLoopback(String redirectUri) throws OperatorException {
    OperatorException refused =
        OperatorException.badRequest(
            "invalid_redirect_uri",
            "redirect_uri must be http://127.0.0.1:<port>/ or http://localhost:<port>/.");
    if (redirectUri == null || redirectUri.length() > 2048) {
      throw refused;
    }
    URI uri;
    try {
      uri = new URI(redirectUri);
    } catch (URISyntaxException e) {
      throw refused;
    }
    String host = uri.getHost();
    if (!"http".equals(uri.getScheme())
        || host == null
        || !(host.equals("127.0.0.1") || host.toLowerCase(Locale.ROOT).equals("localhost"))
        || uri.getPort() < 1
        || uri.getPort() > 65535
        || uri.getRawUserInfo() != null
        || uri.getRawFragment() != null
        || uri.getRawPath() == null
        || !uri.getRawPath().startsWith("/")) {
      throw refused;
    }
  }

  /** Issues a code for the signed-in account; returns the code (only its hash is stored). */
  public String issueCode(Account account, AuthorizeRequest request) {
    String code = Secrets.random();
    Instant expires = clock.instant().plus(CODE_TTL).truncatedTo(ChronoUnit.MICROS);
    db.read(
        c -> {
          OAuthCodeTable.purge(c, clock.instant().minus(Duration.ofHours(1)));
          OAuthCodeTable.insert(
              c,
              Secrets.sha256Hex(code),
              new OAuthCodeTable.Code(
                  account.id(), request.codeChallenge(), request.redirectUri(), expires, false));
          return null;
        });
    return code;
  }

  /** Exchanges a code for a new API token; every failure is {@code invalid_grant} or close. */
  public AccountService.NewToken exchange(
      String grantType, String code, String codeVerifier, String redirectUri, String clientId)
      throws OperatorException {
    if (!"authorization_code".equals(grantType)) {
      throw OperatorException.badRequest(
          "unsupported_grant_type", "Only grant_type=authorization_code is supported.");
    }
    if (!CLIENT_ID.equals(clientId)) {
      throw OperatorException.badRequest("invalid_client", "Unknown client_id.");
    }
    if (code == null || code.length() > 100 || codeVerifier == null || redirectUri == null) {
      throw OperatorException.badRequest(
          "invalid_request", "code, code_verifier and redirect_uri are required.");
    }
    if (!codeVerifier.matches("[A-Za-z0-9._~-]{43,128}")) {
      throw OperatorException.badRequest(
          "invalid_request", "code_verifier must be 43 to 128 unreserved characters.");
    }
    Instant now = clock.instant();
    Optional<OAuthCodeTable.Code> taken =
        db.inTransaction(c -> OAuthCodeTable.take(c, Secrets.sha256Hex(code)));
    OperatorException invalid =
        OperatorException.badRequest(
            "invalid_grant",
            "The login code is unknown, used, expired or does not match; run 'mse cloud login'"
                + " again.");
    if (taken.isEmpty()) {
      throw invalid;
    }
    OAuthCodeTable.Code c = taken.get();
    if (c.used()
        || !c.expiresAt().isAfter(now)
        || !c.redirectUri().equals(redirectUri)
        || !Secrets.constantTimeEquals(challenge(codeVerifier), c.codeChallenge())) {
      throw invalid;
    }
    return accounts.createToken(c.accountId(), TOKEN_NAME);
  }

  /** S256: base64url(SHA-256(ASCII(verifier))), unpadded. */
  public static String challenge(String verifier) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Secrets.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
  }
}
