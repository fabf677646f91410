package dev.mse.attestation.ratls;

import dev.mse.attestation.codec.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What an mse enclave states about itself, bound to its TEE quote: the quote's 64 bytes of report
 * data are the SHA-512 of these claims in deterministic CBOR ({@link #encode()}). A verifier that
 * checks the quote therefore learns, with the TEE's authority, which TLS key the enclave holds
 * ({@code pubkey-hash}), which package and configuration it was given, and in which state it is.
 *
 * @param pubkeyHash SHA-256 of the DER SubjectPublicKeyInfo of the enclave's TLS key
 * @param nonce a verifier's challenge, for evidence made on demand (at most 64 bytes)
 * @param packageSha256 SHA-256 of the encrypted app package the enclave was given
 * @param codeSha256 SHA-256 of the decrypted code archive, once the owner has provisioned the key
 * @param configSha256 SHA-256 of the deployment configuration the enclave was given
 * @param sslOrigin whose certificate users are served (the enclave's, the owner's, the operator's)
 * @param tls who serves that TLS inside the TEE: the app itself or the runtime in front of it
 * @param expires when the app expires (whole seconds); the certificate's notAfter
 * @param hpkePublicKey the enclave's X25519 public key for sealed messages (32 bytes)
 * @param runtime the mse runtime version
 */
public record AttestationClaims(
    ByteString pubkeyHash,
    Optional<ByteString> nonce,
    UUID appId,
    ByteString packageSha256,
    Optional<ByteString> codeSha256,
    ByteString configSha256,
    SslOrigin sslOrigin,
    AppTls tls,
    String domain,
    Instant expires,
    ByteString hpkePublicKey,
    String runtime,
    State state) {

  public static final int MAX_NONCE_BYTES = 64;
  public static final int MAX_DOMAIN_LENGTH = 253;
  public static final int MAX_RUNTIME_LENGTH = 64;

  /** The latest expiry X.509 can express (9999-12-31T23:59:59Z). */
  public static final Instant MAX_EXPIRES = Instant.ofEpochSecond(253_402_300_799L);

  /** Host names and IP literals, ASCII only (IDNs travel as punycode). */
  private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9._:-]{1,253}");

  private static final Pattern RUNTIME = Pattern.compile("[\\x21-\\x7e]{1,64}");

  /** The enclave's lifecycle state. */
  public enum State {
    WAITING,
    INITIALIZING,
    RUNNING,
    FAILED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public AttestationClaims {
    requireSize(pubkeyHash, 32, "pubkey-hash");
    nonce.ifPresent(
        n -> {
          if (n.size() > MAX_NONCE_BYTES) {
            throw new IllegalArgumentException("the nonce is at most 64 bytes");
          }
        });
    requireSize(packageSha256, 32, "package-sha256");
    codeSha256.ifPresent(c -> requireSize(c, 32, "code-sha256"));
    requireSize(configSha256, 32, "config-sha256");
    requireSize(hpkePublicKey, 32, "hpke-pk");
    if (!DOMAIN.matcher(domain).matches()) {
      throw new IllegalArgumentException(
          "the domain is 1 to 253 characters of letters, digits, '.', '-', '_' and ':'");
    }
    if (!RUNTIME.matcher(runtime).matches()) {
      throw new IllegalArgumentException(
          "the runtime version is 1 to 64 printable ASCII characters");
    }
    if (expires.getNano() != 0 || expires.isBefore(Instant.EPOCH) || expires.isAfter(MAX_EXPIRES)) {
      throw new IllegalArgumentException(
          "the expiry is a whole second between 1970 and 9999: " + expires);
    }
    java.util.Objects.requireNonNull(appId);
    java.util.Objects.requireNonNull(sslOrigin);
    java.util.Objects.requireNonNull(tls);
    java.util.Objects.requireNonNull(state);
  }

  /** The claims in deterministic CBOR (RFC 8949 §4.2.1): the bytes whose SHA-512 is quoted. */
  public ByteString encode() {
    return ByteString.of(ClaimsCodec.encode(this));
  }

  /**
   * Reads claims, accepting only the exact bytes that {@link #encode()} would produce for them.
   *
   * @throws ClaimsFormatException for anything else
   */
  public static AttestationClaims decode(byte[] encoded) throws ClaimsFormatException {
    return ClaimsCodec.decode(encoded);
  }

  /** The TEE report data that binds these claims: SHA-512 of {@link #encode()}. */
  public ByteString reportData() {
    return reportDataOf(ClaimsCodec.encode(this));
  }

  /** SHA-512 of already encoded claims. */
  public static ByteString reportDataOf(byte[] encodedClaims) {
    try {
      return ByteString.of(MessageDigest.getInstance("SHA-512").digest(encodedClaims));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is always present in the JDK", e);
    }
  }

  /** The same claims with another state (the enclave re-quotes when its state changes). */
  public AttestationClaims withState(State newState) {
    return new AttestationClaims(
        pubkeyHash,
        nonce,
        appId,
        packageSha256,
        codeSha256,
        configSha256,
        sslOrigin,
        tls,
        domain,
        expires,
        hpkePublicKey,
        runtime,
        newState);
  }

  /** The same claims answering a verifier's challenge. */
  public AttestationClaims withNonce(Optional<ByteString> newNonce) {
    return new AttestationClaims(
        pubkeyHash,
        newNonce,
        appId,
        packageSha256,
        codeSha256,
        configSha256,
        sslOrigin,
        tls,
        domain,
        expires,
        hpkePublicKey,
        runtime,
        state);
  }

  private static void requireSize(ByteString value, int size, String name) {
    if (value.size() != size) {
      throw new IllegalArgumentException(name + " is " + size + " bytes, not " + value.size());
    }
  }
}
